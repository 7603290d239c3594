/// What a PCP reads, as a title and short sections of lines, rendered the same way as plain text
/// and as XHTML (for the narrative and the XHTML attachment), so the two forms cannot disagree.
public struct ReportDocument: Hashable, Sendable {
    public struct Section: Hashable, Sendable {
        public var heading: String?
        public var lines: [String]
        /// Lines shown as a list (`- ` in text, `<ul>` in XHTML) rather than as sentences.
        public var isList: Bool

        public init(heading: String? = nil, lines: [String], isList: Bool = false) {
            self.heading = heading
            self.lines = lines
            self.isList = isList
        }
    }

    public var title: String
    public var sections: [Section]

    public init(title: String, sections: [Section]) {
        self.title = title
        self.sections = sections.filter { !$0.lines.isEmpty }
    }

    public var plainText: String {
        var out = [title]
        for section in sections {
            out.append("")
            if let heading = section.heading { out.append(heading + ":") }
            out += section.isList ? section.lines.map { "- " + $0 } : section.lines
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// A `div` in the XHTML namespace using only the elements FHIR narrative allows.
    public var xhtml: String {
        var out = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><h3>\(Outbound.escape(title))</h3>"
        for section in sections {
            if let heading = section.heading { out += "<h4>\(Outbound.escape(heading))</h4>" }
            if section.isList {
                out += "<ul>" + section.lines.map { "<li>\(Outbound.escape($0))</li>" }.joined() + "</ul>"
            } else {
                out += section.lines.map { "<p>\(Outbound.escape($0))</p>" }.joined()
            }
        }
        return out + "</div>"
    }
}
