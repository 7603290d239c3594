/// Which resource types the client of the request in progress may read: what decides the
/// resources a search adds through `_include` and `_revinclude` (FHIR-RULES.md: an included
/// resource must be one the client may read; leaving it out is not an error).
struct ClientReadAccess: Sendable {
    /// nil: no authentication in front of the API (tests, `validate`-only set-ups): everything.
    let client: APIClient?

    func mayRead(_ type: String) -> Bool {
        client?.allows(.read, on: type) ?? true
    }

    /// The authenticated client of the current request, if any.
    static var current: ClientReadAccess {
        ClientReadAccess(client: RequestObservation.current?.authenticated)
    }
}
