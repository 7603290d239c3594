internal import CLibXML2
import FHIRCore
import Foundation

/// The libxml2 side of reading: one push-parser context per read, confined to that one
/// synchronous call (libxml2 contexts are not thread-safe), with SAX2 callbacks that forward
/// to an `XMLTreeBuilder` and a per-context structured error handler, so libxml2 never writes
/// to stderr.
enum SAXDriver {
    /// `NONET`: never fetch. `NOCDATA`: CDATA arrives as text. Never `NOENT`, `DTDLOAD`,
    /// `DTDATTR`, `DTDVALID`, `XINCLUDE`, `HUGE` or `RECOVER` (PLATFORM-NOTES.md).
    static let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue)

    /// `xmlInitParser` once per process: FoundationXML shares the same libxml2.
    private static let initialised: Bool = {
        xmlInitParser()
        return true
    }()

    static func parse(_ bytes: UnsafeRawBufferPointer, into builder: UnsafeMutablePointer<XMLTreeBuilder>) {
        _ = initialised
        var handler = makeHandler()
        guard let context = xmlCreatePushParserCtxt(&handler, UnsafeMutableRawPointer(builder), nil, 0, nil) else {
            builder.pointee.parserFailed()
            return
        }
        defer { xmlFreeParserCtxt(context) }
        xmlCtxtUseOptions(context, options)
        // FHIR XML is UTF-8 (xml.html §2.5.1); a declaration saying otherwise is refused.
        builder.pointee.parser = UnsafeMutableRawPointer(context)
        let base = bytes.baseAddress?.assumingMemoryBound(to: CChar.self)
        // One chunk, terminated: the push parser then works like a pull parser over memory.
        _ = xmlParseChunk(context, base, Int32(bytes.count), 1)
        builder.pointee.parser = nil
    }

    /// The byte offset the parser has reached in the original input.
    static func consumedBytes(_ parser: UnsafeMutableRawPointer) -> Int {
        Int(xmlByteConsumed(parser.assumingMemoryBound(to: xmlParserCtxt.self)))
    }

    /// The byte offset in the original input of `pointer`, when it points into the parser's
    /// buffer of it (libxml2 hands most text straight from there, sometimes before it moves past
    /// it, so `consumedBytes` does not say where such text starts); `nil` when libxml2 copied
    /// the text elsewhere or converts the input from another encoding.
    static func offset(of pointer: UnsafeRawPointer, in parser: UnsafeMutableRawPointer) -> Int? {
        let context = parser.assumingMemoryBound(to: xmlParserCtxt.self)
        guard let input = context.pointee.input, input.pointee.buf?.pointee.encoder == nil,
              let base = input.pointee.base, let end = input.pointee.end else { return nil }
        let byte = pointer.assumingMemoryBound(to: xmlChar.self)
        guard byte >= base && byte < end else { return nil }
        return Int(input.pointee.consumed) + (byte - base)
    }

    static func stop(_ parser: UnsafeMutableRawPointer) {
        xmlStopParser(parser.assumingMemoryBound(to: xmlParserCtxt.self))
    }

    /// The encoding the document declares, if any.
    static func declaredEncoding(_ parser: UnsafeMutableRawPointer) -> String? {
        let context = parser.assumingMemoryBound(to: xmlParserCtxt.self)
        guard let encoding = context.pointee.encoding ?? context.pointee.input?.pointee.encoding else { return nil }
        return String(cString: encoding)
    }

    private static func builder(_ context: UnsafeMutableRawPointer?) -> UnsafeMutablePointer<XMLTreeBuilder> {
        context!.assumingMemoryBound(to: XMLTreeBuilder.self)
    }

    private static func makeHandler() -> xmlSAXHandler {
        var handler = xmlSAXHandler()
        handler.initialized = XML_SAX2_MAGIC
        handler.startDocument = { context in
            SAXDriver.builder(context).pointee.documentStarted()
        }
        handler.startElementNs = { context, localName, _, namespace, _, _, attributeCount, _, attributes in
            let attributeList = AttributeList(raw: attributes, count: Int(attributeCount))
            SAXDriver.builder(context).pointee.startElement(
                localName: localName.map { UnsafeRawPointer($0) }, namespace: namespace.map { UnsafeRawPointer($0) },
                attributes: attributeList)
        }
        handler.endElementNs = { context, _, _, _ in
            SAXDriver.builder(context).pointee.endElement()
        }
        handler.characters = { context, characters, length in
            SAXDriver.builder(context).pointee.characters(UnsafeRawBufferPointer(start: characters, count: Int(length)))
        }
        // A DOCTYPE is how entities and external DTDs get in: refuse it as soon as it starts.
        handler.internalSubset = { context, _, _, _ in
            SAXDriver.builder(context).pointee.doctypeSeen()
        }
        handler.externalSubset = { context, _, _, _ in
            SAXDriver.builder(context).pointee.doctypeSeen()
        }
        handler.getEntity = { _, _ in nil }
        handler.getParameterEntity = { _, _ in nil }
        handler.entityDecl = { context, _, _, _, _, _ in
            SAXDriver.builder(context).pointee.doctypeSeen()
        }
        handler.serror = { context, error in
            guard let context, let error else { return }
            SAXDriver.builder(context).pointee.libxmlError(
                code: Int(error.pointee.code), level: Int(error.pointee.level.rawValue),
                line: Int(error.pointee.line), column: Int(error.pointee.int2),
                isTooLong: error.pointee.message.map { String(cString: $0).contains("too long") } ?? false)
        }
        return handler
    }
}

/// SAX2's attribute array: five pointers each (local name, prefix, namespace, value start,
/// value end); values are not NUL-terminated.
struct AttributeList {
    let raw: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    let count: Int

    func localName(_ index: Int) -> UnsafeRawBufferPointer {
        cString(raw![index * 5])
    }

    /// Whether attribute `index` is the unprefixed `value` that holds a primitive's value.
    /// libxml2 interns attribute names too, so once the name has matched, `cache` holds its
    /// pointer and later matches are one comparison.
    @inline(__always)
    func isValue(_ index: Int, cache: inout UnsafePointer<xmlChar>?) -> Bool {
        guard let name = raw![index * 5], raw![index * 5 + 2] == nil else { return false }
        if name == cache { return true }
        guard memcmp(name, "value", 6) == 0 else { return false }  // includes the terminating NUL
        cache = name
        return true
    }

    func namespace(_ index: Int) -> UnsafeRawBufferPointer? {
        raw![index * 5 + 2].map { cString($0) }
    }

    /// The value as libxml2 hands it over, in which each literal `&` is written `&#38;`.
    @inline(__always)
    func rawValue(_ index: Int) -> UnsafeRawBufferPointer {
        let start = raw![index * 5 + 3]!
        let end = raw![index * 5 + 4]!
        return UnsafeRawBufferPointer(start: start, count: end - start)
    }

    /// Calls `body` with the attribute's value. Without `XML_PARSE_NOENT` (which must never be
    /// set) libxml2 expands entities and character references in attribute values but writes
    /// every literal `&` as `&#38;`, so that is the one sequence to turn back.
    func withValue<R>(_ index: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let value = rawValue(index)
        guard let base = value.baseAddress, memchr(base, Int32(UInt8(ascii: "&")), value.count) != nil else {
            return body(value)
        }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(value.count)
        var position = 0
        let reference = Array("&#38;".utf8)
        while position < value.count {
            if value[position] == UInt8(ascii: "&") && position + 5 <= value.count
                && UnsafeRawBufferPointer(rebasing: value[position..<position + 5]).elementsEqual(reference)
            {
                decoded.append(UInt8(ascii: "&"))
                position += 5
            } else {
                decoded.append(value[position])
                position += 1
            }
        }
        return decoded.withUnsafeBytes(body)
    }

    private func cString(_ pointer: UnsafePointer<xmlChar>?) -> UnsafeRawBufferPointer {
        guard let pointer else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: pointer, count: strlen(UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self)))
    }
}

/// libxml2 error codes the reader explains in its own words (xmlerror.h); the rest get a
/// general message with the code.
enum LibXMLErrorText {
    static func message(code: Int) -> (IssueType, String) {
        switch code {
        case Int(XML_ERR_DOCUMENT_EMPTY.rawValue): (.structure, "the document is empty")
        case Int(XML_ERR_DOCUMENT_END.rawValue): (.structure, "there is content after the end of the resource")
        case Int(XML_ERR_TAG_NAME_MISMATCH.rawValue): (.structure, "an end tag does not match its start tag")
        case Int(XML_ERR_TAG_NOT_FINISHED.rawValue): (.structure, "the document ends before an element is closed")
        case Int(XML_ERR_UNDECLARED_ENTITY.rawValue), Int(XML_WAR_UNDECLARED_ENTITY.rawValue):
            (.structure, "an entity that is not defined: FHIR XML allows only the five predefined entities and character references")
        case Int(XML_ERR_INVALID_CHAR.rawValue): (.structure, "a character that XML does not allow")
        case Int(XML_ERR_INVALID_ENCODING.rawValue): (.structure, "the text is not valid UTF-8")
        case Int(XML_ERR_ATTRIBUTE_REDEFINED.rawValue): (.structure, "an attribute appears twice on one element")
        case Int(XML_ERR_LT_IN_ATTRIBUTE.rawValue): (.structure, "'<' is not allowed in an attribute value")
        case Int(XML_ERR_ATTRIBUTE_WITHOUT_VALUE.rawValue): (.structure, "an attribute has no value")
        case Int(XML_ERR_ATTRIBUTE_NOT_STARTED.rawValue), Int(XML_ERR_ATTRIBUTE_NOT_FINISHED.rawValue):
            (.structure, "an attribute value is not quoted or not closed")
        case Int(XML_ERR_GT_REQUIRED.rawValue): (.structure, "a tag is not closed with '>'")
        case Int(XML_ERR_NAME_REQUIRED.rawValue): (.structure, "a name is missing where an element or attribute was expected")
        case Int(XML_ERR_EXTRA_CONTENT.rawValue): (.structure, "there is content after the end of the resource")
        case Int(XML_ERR_UNKNOWN_ENCODING.rawValue), Int(XML_ERR_UNSUPPORTED_ENCODING.rawValue):
            (.structure, "FHIR XML must be UTF-8")
        case Int(XML_NS_ERR_UNDEFINED_NAMESPACE.rawValue): (.structure, "a namespace prefix is not declared")
        case Int(XML_ERR_ENTITY_LOOP.rawValue), Int(XML_ERR_ENTITY_BOUNDARY.rawValue):
            (.security, "entities are not allowed in FHIR XML")
        default: (.structure, "the XML is not well-formed (libxml2 error \(code))")
        }
    }
}
