import FHIRCore
import Foundation

/// The narrative `div`: kept as the exact bytes that were read (so XML → JSON → XML returns
/// it unchanged) and checked against the limited XHTML that R4 allows (narrative.html §2.4):
/// no scripts, forms, frames, objects or event handlers, only the listed elements.
enum NarrativeRules {
    static let elements: Set<String> = [
        "a", "abbr", "acronym", "address", "area", "b", "bdo", "big", "blockquote", "br", "caption", "cite",
        "code", "col", "colgroup", "dd", "del", "dfn", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5",
        "h6", "hr", "i", "img", "ins", "kbd", "li", "map", "ol", "p", "pre", "q", "s", "samp", "small",
        "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "tt",
        "u", "ul", "var",
    ]
    /// Elements that can run code or pull in other content: a security matter, not just style.
    static let dangerous: Set<String> = [
        "script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input", "button",
        "select", "textarea", "base", "link", "meta", "style", "svg", "math",
    ]
    static let attributes: Set<String> = [
        "abbr", "accesskey", "align", "alt", "axis", "border", "cellpadding", "cellspacing", "char", "charoff",
        "cite", "class", "colspan", "coords", "datetime", "dir", "headers", "height", "href", "id", "lang",
        "name", "nohref", "rowspan", "rules", "scope", "shape", "span", "src", "start", "style", "summary",
        "tabindex", "title", "type", "usemap", "valign", "value", "width", "frame", "space",
    ]
}

extension XMLTreeBuilder {
    mutating func startXHTML(member: ElementContext.Member, attributes: AttributeList) {
        xhtml = (depth: 1, start: tagStart(), member: member)  // the div's bytes start at its "<"
        checkXHTMLAttributes(attributes)
    }

    mutating func startXHTMLElement(name: UnsafeRawBufferPointer, namespace: UnsafeRawPointer?, attributes: AttributeList) {
        xhtml!.depth += 1
        let element = String(decoding: name, as: UTF8.self)
        guard isXHTML(namespace) else {
            error(.structure, "an element inside the narrative that is not XHTML")
            return
        }
        if NarrativeRules.dangerous.contains(element) {
            error(.security, "the narrative contains a <\(element)> element, which FHIR narrative does not allow")
        } else if !NarrativeRules.elements.contains(element) {
            error(.value, "the narrative contains an element that FHIR's limited XHTML does not allow",
                  child: "div")
        }
        checkXHTMLAttributes(attributes)
    }

    private mutating func checkXHTMLAttributes(_ attributes: AttributeList) {
        for index in 0..<attributes.count {
            let name = String(decoding: attributes.localName(index), as: UTF8.self).lowercased()
            if name.hasPrefix("on") {
                error(.security, "the narrative contains an event handler attribute, which FHIR narrative does not allow")
            } else if name == "href" || name == "src" {
                let value = attributes.withValue(index) { String(decoding: $0, as: UTF8.self) }
                    .trimmingCharacters(in: .whitespaces).lowercased()
                if value.hasPrefix("javascript:") || value.hasPrefix("vbscript:") {
                    error(.security, "the narrative contains a script URL, which FHIR narrative does not allow")
                }
            } else if attributes.namespace(index) == nil && !NarrativeRules.attributes.contains(name) {
                error(.value, "the narrative contains an attribute that FHIR's limited XHTML does not allow")
            }
        }
    }

    mutating func endXHTMLElement() {
        xhtml!.depth -= 1
        guard xhtml!.depth == 0, let (_, start, member) = xhtml else { return }
        xhtml = nil
        let end = min(parser.map(SAXDriver.consumedBytes) ?? input.count, input.count)
        var text = String(decoding: UnsafeRawBufferPointer(rebasing: input[start..<end]), as: UTF8.self)
        // Kept byte for byte, line ends included: JSON narratives carry CRLFs too, and only the
        // exact bytes make JSON → XML → JSON and XML → JSON → XML both return what went in.
        if text.utf8.count > limits.maxStringBytes {
            fatal(.tooLong, "the narrative is longer than the limit of \(limits.maxStringBytes) bytes")
            return
        }
        // Standing alone (as a JSON string), the div must declare its namespace itself.
        if text.hasPrefix("<div"), let tagEnd = text.firstIndex(of: ">"), !text[..<tagEnd].contains("xmlns") {
            text.insert(contentsOf: " xmlns=\"http://www.w3.org/1999/xhtml\"", at: text.index(text.startIndex, offsetBy: 4))
        }
        scratch.push(FHIRElement(name: member.name, value: text, form: member.form))
        positions.push(member.position)
        path.pop()
    }
}
