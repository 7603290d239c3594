import HTTPServer

/// `Prefer: return=minimal | representation | OperationOutcome` and `handling=strict | lenient`
/// (FHIR R4 http.html §3.1.0.1.8, RFC 7240).
struct PreferHeader: Sendable, Hashable {
    enum Return: Sendable, Hashable { case minimal, representation, operationOutcome }

    /// nil when the client did not say.
    var returnPreference: Return?
    /// `handling=lenient`: search parameters the server cannot apply are left out and reported
    /// in an `outcome` entry; by default (and with `handling=strict`) they are a 400.
    var lenientHandling = false

    init(_ headers: HTTPHeaders) {
        for value in headers.values(for: "Prefer") {
            for part in value.split(whereSeparator: { $0 == "," || $0 == ";" }) {
                let pair = part.split(separator: "=", maxSplits: 1).map {
                    $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                }
                guard pair.count == 2 else { continue }
                switch (pair[0].lowercased(), pair[1]) {
                case ("return", "minimal"): returnPreference = .minimal
                case ("return", "representation"): returnPreference = .representation
                case ("return", "OperationOutcome"): returnPreference = .operationOutcome
                case ("handling", "strict"): lenientHandling = false
                case ("handling", "lenient"): lenientHandling = true
                default: continue
                }
            }
        }
    }
}

import Foundation
