import GatewayStore
import IOPDomain

extension OutboundPriority {
    /// The queue priority of a domain message: `stat` is a crisis notice that goes before
    /// everything else; `asap` and `urgent` go before routine summaries.
    public init(_ priority: MessagePriority) {
        switch priority {
        case .stat: self = .crisis
        case .asap, .urgent: self = .urgent
        case .routine: self = .routine
        }
    }
}
