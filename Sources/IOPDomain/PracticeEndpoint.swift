import Foundation

/// Where and how a PCP practice receives messages, with an optional second route.
///
/// The fallback is used when the primary's circuit breaker is open (ARCHITECTURE.md decision
/// 6); it may have another delivery profile (e.g. a transaction server with a
/// `DocumentReference`-only fallback).
public struct PracticeEndpoint: Hashable, Sendable, Codable {
    public let primary: EndpointTarget
    public let fallback: EndpointTarget?

    /// - Throws: `invalidEndpoint(.fallbackSameAsPrimary)` when the fallback's URL is the
    ///   primary's.
    public init(primary: EndpointTarget, fallback: EndpointTarget? = nil) throws(DomainError) {
        if let fallback, fallback.baseURL.absoluteString == primary.baseURL.absoluteString {
            throw .invalidEndpoint(.fallbackSameAsPrimary)
        }
        self.primary = primary
        self.fallback = fallback
    }

    public var baseURL: URL { primary.baseURL }
    public var deliveryProfile: DeliveryProfile { primary.deliveryProfile }

    private enum CodingKeys: String, CodingKey { case primary, fallback }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        do {
            try self.init(primary: container.decode(EndpointTarget.self, forKey: .primary),
                          fallback: container.decodeIfPresent(EndpointTarget.self, forKey: .fallback))
        } catch let error as DomainError {
            throw DecodingError.dataCorruptedError(forKey: .fallback, in: container, debugDescription: error.description)
        }
    }
}

