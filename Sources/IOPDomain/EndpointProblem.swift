/// Why a PCP endpoint was refused. Says what is wrong with the URL without repeating it.
public enum EndpointProblem: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// Behavioural-health data leaves only over TLS; plain `http` is allowed on loopback alone,
    /// for tests and for a reverse proxy on the same host.
    case insecureScheme = "insecure-scheme"
    case missingHost = "missing-host"
    /// A FHIR base URL has no query or fragment: requests append `/Type/id` to it.
    case queryOrFragment = "query-or-fragment"
    /// Credentials belong in configuration secrets, never in a URL that is logged and stored.
    case embeddedCredentials = "embedded-credentials"
    /// A fallback that is the primary again would double the attempts, not add a route.
    case fallbackSameAsPrimary = "fallback-same-as-primary"

    public var description: String {
        switch self {
        case .insecureScheme: "the base URL must use https (http only on loopback)"
        case .missingHost: "the base URL has no host"
        case .queryOrFragment: "the base URL must not have a query or fragment"
        case .embeddedCredentials: "the base URL must not contain credentials"
        case .fallbackSameAsPrimary: "the fallback endpoint is the primary endpoint"
        }
    }
}
