import Foundation

/// What one HTTP exchange gave: a response, or a failure that says whether the receiver may
/// have got the request.
enum TransportResult: Sendable {
    case response(ReceivedResponse)
    case failure(TransportFailure)
}

/// A complete response (redirects are never followed, so a 3xx arrives here as it is).
struct ReceivedResponse: Sendable {
    var status: Int
    /// Header names lower-cased.
    var headers: [String: String]
    var body: Data

    func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// A failed exchange. Its description names the kind of failure, never a URL or a body.
struct TransportFailure: Error, Sendable, Hashable, CustomStringConvertible {
    enum Kind: Sendable, Hashable {
        /// No connection was made: the receiver cannot have the request.
        case notSent
        /// The request may have arrived (timeout, connection lost mid-response).
        case outcomeUnknown
    }

    var kind: Kind
    var description: String
}
