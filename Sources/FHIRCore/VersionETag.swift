/// FHIR's version ETag (http.html §3.1.0.5): `ETag: W/"3"`, sent back in `If-Match` and in a
/// Bundle entry's `request.ifMatch`/`response.etag`. Read leniently (`W/"3"`, `"3"`, `3`), as the
/// API, the transaction plan and the delivery of outbound messages all need it.
public enum VersionETag {
    /// The version id inside the ETag; `nil` when nothing is left after the decoration.
    public static func versionID(_ etag: some StringProtocol) -> String? {
        var text = Substring(etag).drop { $0 == " " || $0 == "\t" }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        if text.hasPrefix("W/") { text = text.dropFirst(2) }
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { text = text.dropFirst().dropLast() }
        return text.isEmpty ? nil : String(text)
    }

    /// The version as a number; `nil` when it is not one.
    public static func version(_ etag: some StringProtocol) -> Int? {
        versionID(etag).flatMap { Int($0) }
    }
}
