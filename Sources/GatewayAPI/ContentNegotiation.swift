import FHIRCore
import HTTPServer

/// The two wire formats of FHIR resources.
public enum ResourceFormat: Sendable, Hashable {
    case json, xml
}

/// A negotiated response type: the format, and the media type named in `Content-Type` (the one
/// the client asked for, so a client that accepts only `application/json` gets that name).
struct ResponseMediaType: Sendable, Hashable {
    var format: ResourceFormat
    var contentType: String

    static let fhirJSON = ResponseMediaType(format: .json, contentType: "application/fhir+json; charset=utf-8")
    static let fhirXML = ResponseMediaType(format: .xml, contentType: "application/fhir+xml; charset=utf-8")
}

/// Content negotiation as FHIR R4 http.html §3.1.0.1.7 sets it: `_format` overrides `Accept`;
/// `application/fhir+json`, `application/fhir+xml`, `application/json`, `application/xml`, and
/// `json`/`xml` in `_format`. With neither, the answer is in the request body's format, else JSON.
enum ContentNegotiation {
    /// The response type, or nil when nothing the client accepts can be produced (406).
    static func responseType(format: String?, accept: String?, requestFormat: ResourceFormat?) -> ResponseMediaType? {
        let fallback: ResponseMediaType = requestFormat == .xml ? .fhirXML : .fhirJSON
        if let format {
            // `+` arrives as a space when the client did not percent-encode it.
            return mediaType(named: format.replacingOccurrences(of: " ", with: "+"), shortNames: true)
        }
        guard let accept, !accept.trimmingCharacters(in: .whitespaces).isEmpty else { return fallback }
        var ranges: [(name: String, quality: Double, order: Int)] = []
        for (order, item) in accept.split(separator: ",").enumerated() {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let name = parts.first?.lowercased(), !name.isEmpty else { continue }
            var quality = 1.0
            var versionOK = true
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2 else { continue }
                switch pair[0].lowercased() {
                case "q": quality = Double(pair[1]) ?? 0
                case "fhirversion": versionOK = pair[1].hasPrefix("4.0")
                default: continue
                }
            }
            if quality > 0, versionOK { ranges.append((name, quality, order)) }
        }
        for range in ranges.sorted(by: { ($0.quality, -$0.order) > ($1.quality, -$1.order) }) {
            if range.name == "*/*" || range.name == "application/*" { return fallback }
            if let type = mediaType(named: range.name, shortNames: false) { return type }
        }
        return nil
    }

    private static func mediaType(named rawName: String, shortNames: Bool) -> ResponseMediaType? {
        let name = rawName.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        switch name {
        case "application/fhir+json", "application/json+fhir": return .fhirJSON
        case "application/fhir+xml", "application/xml+fhir": return .fhirXML
        case "application/json": return ResponseMediaType(format: .json, contentType: "application/json; charset=utf-8")
        case "application/xml", "text/xml": return ResponseMediaType(format: .xml, contentType: "application/xml; charset=utf-8")
        case "json" where shortNames: return .fhirJSON
        case "xml" where shortNames: return .fhirXML
        default: return nil
        }
    }

    /// The format a request body declares in `Content-Type`, or nil when it is not a FHIR
    /// type this server reads (415). A `charset` other than UTF-8 is refused too.
    static func requestFormat(contentType: String?) -> ResourceFormat? {
        guard let contentType else { return nil }
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        for parameter in parts.dropFirst() where parameter.hasPrefix("charset=") {
            let charset = parameter.dropFirst("charset=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            if charset != "utf-8" && charset != "utf8" { return nil }
        }
        switch parts.first ?? "" {
        case "application/fhir+json", "application/json+fhir", "application/json": return .json
        case "application/fhir+xml", "application/xml+fhir", "application/xml", "text/xml": return .xml
        default: return nil
        }
    }
}

import Foundation
