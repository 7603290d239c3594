import GatewayStore
import IOPDomain
import Outbound
import IOPMapping

/// The delivery endpoints of the practices on record, keyed as `UpdateDispatcher` queues for
/// them (the practice's id). Credentials are not part of a practice record: a practice whose
/// EHR needs them is named with `--endpoint` (or configured) instead.
public enum PracticeEndpoints {
    public static func load(from reader: any StoreReader) throws -> [OutboundEndpoint] {
        let decoder = DomainRowCoding.decoder()
        var endpoints: [OutboundEndpoint] = []
        var after: String?
        while true {
            let rows = try reader.domainRows(kind: DomainRowKind.practice, afterKey: after, limit: 500)
            for row in rows {
                let practice = try decoder.decode(PrimaryCarePractice.self, from: row.json)
                endpoints.append(OutboundEndpoint(key: UpdateDispatcher.endpointKey(for: practice.id), practiceEndpoint: practice.endpoint))
            }
            guard let last = rows.last, rows.count == 500 else { return endpoints }
            after = last.key
        }
    }
}
