import FHIRCore

/// Data type rules that are not invariants: the size limit of strings and an Attachment's
/// stated size (datatypes.html §2.24.0.1 and §2.24.0.5).
extension ValidationRun {
    /// datatypes.html §2.24.0.1 (string): "strings SHALL NOT exceed 1MB (1024*1024 characters)
    /// in size"; the types derived from string (code, id, markdown, uri, ...) inherit the limit.
    /// base64Binary is not a string and has no such limit. `utf8.count` is O(1) on native strings.
    static let maximumStringBytes = 1_048_576

    mutating func checkStringSize(_ value: String, kind: PrimitiveKind) {
        guard value.utf8.count > Self.maximumStringBytes, kind != .base64Binary else { return }
        report(.error, .tooLong, "the value is longer than the 1 MB (1048576 bytes) a FHIR string may hold")
    }

    /// datatypes.html §2.24.0.5: `Attachment.size` is "the number of bytes of data that make up
    /// this attachment (before base64 encoding)": with inline `data`, it is the decoded length.
    mutating func checkAttachmentSize(_ attachment: FHIRElement) {
        guard let stated = attachment.child("size")?.value, let size = Int(stated),
              let data = attachment.child("data")?.value
        else { return }
        if let decoded = Self.decodedBase64Length(data), decoded != size {
            report(.error, .value, "Attachment.size does not match the length of the decoded data", child: "size")
        }
    }

    /// The number of bytes base64 text decodes to, whitespace ignored; `nil` if it is not
    /// base64 (the format check reports that).
    static func decodedBase64Length(_ text: String) -> Int? {
        var symbols = 0
        var padding = 0
        for byte in text.utf8 {
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D: continue
            case UInt8(ascii: "="): padding += 1
            default: symbols += 1
            }
        }
        guard (symbols + padding) % 4 == 0 else { return nil }
        return (symbols + padding) / 4 * 3 - padding
    }

    /// questionnaire.html (`Questionnaire.item.enableWhen.question`): an item's enableWhen
    /// depends on another question's answer; it cannot depend on a question nested inside the
    /// item itself, which is only shown once the item is enabled.
    mutating func checkEnableWhen(_ questionnaire: FHIRElement) {
        for (index, item) in questionnaire.children("item").enumerated() {
            checkEnableWhen(item, at: "item[\(index)]")
        }
    }

    private mutating func checkEnableWhen(_ item: FHIRElement, at path: String) {
        let questions = item.children("enableWhen").compactMap { $0.child("question")?.value }
        if !questions.isEmpty {
            var inner: Set<String> = []
            Self.collectLinkIDs(of: item.children("item"), into: &inner)
            if questions.contains(where: inner.contains) {
                report(.error, .businessRule, "an item's enableWhen refers to a question nested inside the item", child: path)
            }
        }
        for (index, child) in item.children("item").enumerated() {
            checkEnableWhen(child, at: path + ".item[\(index)]")
        }
    }

    private static func collectLinkIDs(of items: [FHIRElement], into ids: inout Set<String>) {
        for item in items {
            if let linkID = item.child("linkId")?.value { ids.insert(linkID) }
            collectLinkIDs(of: item.children("item"), into: &ids)
        }
    }
}
