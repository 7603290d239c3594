import Foundation
import IOPDomain

/// One base URL the worker can deliver to, with its profile and credentials.
public struct EndpointRoute: Sendable, Hashable {
    public var baseURL: URL
    public var profile: OutboundDeliveryProfile
    public var authentication: ReceiverAuthentication

    /// Takes the URL as the domain checked it (https, or http on loopback; no credentials).
    public init(target: EndpointTarget, profile: OutboundDeliveryProfile? = nil, authentication: ReceiverAuthentication = .none) {
        self.baseURL = target.baseURL
        self.profile = profile ?? OutboundDeliveryProfile(target.deliveryProfile)
        self.authentication = authentication
    }

    /// `[base]/[path]` with exactly one slash between them.
    func url(_ path: String) -> URL {
        var base = baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return URL(string: path.isEmpty ? base : base + "/" + path) ?? baseURL
    }
}

/// A PCP endpoint as the outbox knows it: the key messages are queued under, the primary route
/// and an optional fallback (ARCHITECTURE.md decision 6).
public struct OutboundEndpoint: Sendable, Hashable {
    /// `OutboundMessage.endpointKey`.
    public var key: String
    public var primary: EndpointRoute
    public var fallback: EndpointRoute?

    public init(key: String, primary: EndpointRoute, fallback: EndpointRoute? = nil) {
        self.key = key
        self.primary = primary
        self.fallback = fallback
    }

    /// A practice's configured endpoint; credentials come from configuration secrets.
    public init(
        key: String, practiceEndpoint: PracticeEndpoint, primaryAuthentication: ReceiverAuthentication = .none,
        fallbackAuthentication: ReceiverAuthentication = .none
    ) {
        self.key = key
        self.primary = EndpointRoute(target: practiceEndpoint.primary, authentication: primaryAuthentication)
        self.fallback = practiceEndpoint.fallback.map { EndpointRoute(target: $0, authentication: fallbackAuthentication) }
    }
}
