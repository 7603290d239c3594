import FHIRSearch
import Foundation

/// Where a request goes under the FHIR base (FHIR R4 http.html §3.1.0: `[base]/[type]/[id]`,
/// `_history/[vid]`, `$operation`), with each path segment percent-decoded.
enum FHIRRoute: Sendable, Hashable {
    /// `[base]`: transaction and batch Bundles.
    case base
    /// `[base]/metadata`.
    case metadata
    /// `[base]/[type]`: search and create.
    case type(String)
    /// `[base]/[type]/$op` or `[base]/[type]/_search`.
    case typeOperation(String, String)
    /// `[base]/[type]/[id]`: read and update.
    case instance(String, String)
    /// `[base]/[type]/[id]/$op`.
    case instanceOperation(String, String, String)
    /// `[base]/[type]/[id]/_history`.
    case history(String, String)
    /// `[base]/[type]/[id]/_history/[vid]`.
    case version(String, String, String)
    /// `[base]/[type]/_history`.
    case typeHistory(String)
    /// `[base]/_history`.
    case systemHistory

    /// nil when the path is not under the base or has a shape FHIR does not define (404).
    init?(path: String, basePath: String) {
        let base = basePath.hasSuffix("/") ? String(basePath.dropLast()) : basePath
        guard path == base || path.hasPrefix(base + "/") else { return nil }
        let rest = path.dropFirst(base.count)
        let segments = rest.split(separator: "/", omittingEmptySubsequences: true).map {
            String($0).removingPercentEncoding ?? String($0)
        }
        // `//` inside the path is not a FHIR URL; a single trailing slash is tolerated.
        if rest.contains("//") { return nil }
        switch segments.count {
        case 0: self = .base
        case 1:
            switch segments[0] {
            case "metadata": self = .metadata
            case "_history": self = .systemHistory
            default: self = .type(segments[0])
            }
        case 2:
            if segments[1] == "_history" {
                self = .typeHistory(segments[0])
            } else if segments[1].hasPrefix("$") || segments[1] == "_search" {
                self = .typeOperation(segments[0], segments[1])
            } else {
                self = .instance(segments[0], segments[1])
            }
        case 3:
            if segments[2] == "_history" {
                self = .history(segments[0], segments[1])
            } else if segments[2].hasPrefix("$") {
                self = .instanceOperation(segments[0], segments[1], segments[2])
            } else {
                return nil
            }
        case 4 where segments[2] == "_history": self = .version(segments[0], segments[1], segments[3])
        default: return nil
        }
    }

    /// The methods this route answers, for `405` and its `Allow` header.
    var allowedMethods: [String] {
        switch self {
        case .base: ["POST"]
        case .metadata: ["GET"]
        case .type: ["GET", "POST", "PUT", "DELETE"]
        case .typeOperation: ["POST"]
        case .instance: ["GET", "PUT", "PATCH", "DELETE"]
        case .instanceOperation: ["POST"]
        case .history, .version, .typeHistory, .systemHistory: ["GET"]
        }
    }

    /// FHIR `id`: `[A-Za-z0-9\-\.]{1,64}`.
    static func isValidID(_ id: String) -> Bool {
        FHIRID.isValid(id)
    }
}
