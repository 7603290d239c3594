import Foundation

/// One FHIR base URL and the way to deliver to it.
///
/// The URL is checked once, here, so the outbound worker never sends behavioural-health data
/// in clear text or logs a password embedded in a URL.
public struct EndpointTarget: Hashable, Sendable, Codable {
    public let baseURL: URL
    public let deliveryProfile: DeliveryProfile

    /// - Throws: `invalidEndpoint` for a URL that is not https (plain http is allowed on
    ///   loopback hosts only), has no host, has a query or fragment, or embeds credentials.
    public init(baseURL: URL, deliveryProfile: DeliveryProfile) throws(DomainError) {
        if let problem = EndpointTarget.problem(with: baseURL) { throw .invalidEndpoint(problem) }
        self.baseURL = baseURL
        self.deliveryProfile = deliveryProfile
    }

    static let loopbackHosts: Set<String> = ["localhost", "127.0.0.1", "::1", "[::1]"]

    static func problem(with url: URL) -> EndpointProblem? {
        guard let components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return .missingHost }
        guard let host = components.host, !host.isEmpty else { return .missingHost }
        switch components.scheme?.lowercased() {
        case "https": break
        case "http" where loopbackHosts.contains(host.lowercased()): break
        default: return .insecureScheme
        }
        if components.user != nil || components.password != nil { return .embeddedCredentials }
        if components.query != nil || components.fragment != nil { return .queryOrFragment }
        return nil
    }

    private enum CodingKeys: String, CodingKey { case baseURL, deliveryProfile }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let text = try container.decode(String.self, forKey: .baseURL)
        guard let url = URL(string: text) else {
            throw DecodingError.dataCorruptedError(forKey: .baseURL, in: container, debugDescription: "Not a URL")
        }
        do {
            try self.init(baseURL: url, deliveryProfile: container.decode(DeliveryProfile.self, forKey: .deliveryProfile))
        } catch let error as DomainError {
            throw DecodingError.dataCorruptedError(forKey: .baseURL, in: container, debugDescription: error.description)
        }
    }

    /// The URL as its string, whatever the encoder does with `URL` by default.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(baseURL.absoluteString, forKey: .baseURL)
        try container.encode(deliveryProfile, forKey: .deliveryProfile)
    }
}
