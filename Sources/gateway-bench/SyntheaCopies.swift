import FHIRCore
import FHIRJSON
import Foundation
import GatewayIntake
import GatewayStore

/// Synthea's transaction Bundles as templates for copies: every entry's resource written once
/// by our writer, cut at each UUID it contains. A copy gives every UUID a fresh id, so it is a
/// new set of patients (and organizations, practitioners, claims...) whose references point
/// within the copy: `urn:uuid:X` becomes `Type/newid`, the bare UUID (the resource's id, the
/// Synthea identifier value) becomes `newid`. Resources repeated across Bundles (organizations,
/// practitioners) are kept once per copy.
struct SyntheaCopies: Sendable {
    enum Piece: Sendable {
        case text([UInt8])
        case bare(slot: Int)
        case reference(slot: Int)
    }

    struct Template: Sendable {
        let type: String
        let slot: Int
        let pieces: [Piece]
        /// The resource as written (for the parse and index baselines).
        let bytes: [UInt8]
    }

    let templates: [Template]
    /// The resource type of each UUID that is an entry's fullUrl; nil for other UUIDs.
    let slotTypes: [String?]

    init?(folder: String) {
        guard let corpus = Corpus(folder: folder) else { return nil }
        let reader = FHIRJSONReader()
        let writer = FHIRJSONWriter()
        var slotOf: [String: Int] = [:]
        var types: [String?] = []
        func slot(_ uuid: String) -> Int {
            if let known = slotOf[uuid] { return known }
            slotOf[uuid] = types.count
            types.append(nil)
            return types.count - 1
        }
        var written: [(type: String, slot: Int, bytes: [UInt8])] = []
        for file in corpus.files {
            guard let bundle = reader.read(file.bytes).resource else { continue }
            for entry in bundle.children("entry") {
                guard let resource = entry.child("resource"), let type = resource.resourceType,
                      let fullURL = entry.childValue("fullUrl"), fullURL.hasPrefix("urn:uuid:") else { continue }
                let uuid = String(fullURL.dropFirst("urn:uuid:".count))
                if slotOf[uuid].map({ types[$0] != nil }) == true { continue }  // already taken from another Bundle
                let own = slot(uuid)
                types[own] = type
                written.append((type, own, writer.write(resource)))
            }
        }
        var templates: [Template] = []
        for (type, own, bytes) in written {
            var pieces: [Piece] = []
            var text: [UInt8] = []
            var index = 0
            while index < bytes.count {
                guard Self.isUUID(bytes, at: index) else {
                    text.append(bytes[index])
                    index += 1
                    continue
                }
                let uuid = String(decoding: bytes[index..<index + 36], as: UTF8.self)
                let isReference = text.count >= 9 && text.suffix(9).elementsEqual("urn:uuid:".utf8)
                if isReference { text.removeLast(9) }
                pieces.append(.text(text))
                text = []
                pieces.append(isReference ? .reference(slot: slot(uuid)) : .bare(slot: slot(uuid)))
                index += 36
            }
            pieces.append(.text(text))
            templates.append(Template(type: type, slot: own, pieces: pieces, bytes: bytes))
        }
        self.templates = templates
        self.slotTypes = types
    }

    static func isUUID(_ bytes: [UInt8], at start: Int) -> Bool {
        guard start + 36 <= bytes.count else { return false }
        for offset in 0..<36 {
            let byte = bytes[start + offset]
            if offset == 8 || offset == 13 || offset == 18 || offset == 23 {
                if byte != UInt8(ascii: "-") { return false }
            } else if !((0x30...0x39).contains(byte) || (0x61...0x66).contains(byte)) {
                return false
            }
        }
        return true
    }

    /// Fresh ids for one copy, one per UUID slot.
    func freshIDs() -> [[UInt8]] {
        slotTypes.map { _ in Array(UUID().uuidString.lowercased().utf8) }
    }

    /// The resource of `template` in the copy whose ids are `ids`.
    func render(_ template: Template, ids: [[UInt8]]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(template.bytes.count + 64)
        for piece in template.pieces {
            switch piece {
            case .text(let text): bytes += text
            case .bare(let slot): bytes += ids[slot]
            case .reference(let slot):
                if let type = slotTypes[slot] {
                    bytes += type.utf8
                    bytes.append(UInt8(ascii: "/"))
                } else {
                    bytes += "urn:uuid:".utf8
                }
                bytes += ids[slot]
            }
        }
        return bytes
    }
}

/// Grows a store with copies of the Synthea resources: one thread renders, parses (strict) and
/// indexes (`ResourceIndexing.index`) batches while this one writes them, each batch one unit of
/// work of `transaction.create` calls, as durable as every write of the gateway.
struct StoreGrower {
    struct Item: Sendable {
        let type: String
        let id: String
        let body: Data
        let index: SearchIndex
    }

    struct Outcome {
        var resources = 0
        var indexRows = 0
        var seconds = 0.0
    }

    let copies: SyntheaCopies
    var batchSize = 2000

    func grow(_ store: any GatewayStore, adding count: Int, log: @escaping (String) -> Void) throws -> Outcome {
        let channel = BatchChannel(capacity: 3)
        let copies = self.copies
        let batchSize = self.batchSize
        let start = DispatchTime.now().uptimeNanoseconds
        let producer = Thread {
            let reader = FHIRJSONReader()
            var produced = 0
            var batch: [Item] = []
            outer: while true {
                let ids = copies.freshIDs()
                for template in copies.templates {
                    if produced == count { break outer }
                    let bytes = copies.render(template, ids: ids)
                    guard let resource = reader.read(bytes).resource else { continue }
                    let id = String(decoding: ids[template.slot], as: UTF8.self)
                    batch.append(Item(type: template.type, id: id, body: Data(bytes), index: ResourceIndexing.index(resource)))
                    produced += 1
                    if batch.count == batchSize {
                        channel.put(batch)
                        batch = []
                    }
                }
            }
            if !batch.isEmpty { channel.put(batch) }
            channel.put([])
        }
        producer.start()
        var outcome = Outcome()
        var nextReport = 100_000
        while true {
            let batch = channel.take()
            if batch.isEmpty { break }
            try store.write { transaction in
                for item in batch {
                    _ = try transaction.create(type: item.type, id: item.id, body: item.body, index: item.index)
                }
            }
            outcome.resources += batch.count
            outcome.indexRows += batch.reduce(0) { $0 + $1.index.rowCount }
            if outcome.resources >= nextReport {
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                log("  \(outcome.resources) resources in \(format(seconds)) s (\(format(Double(outcome.resources) / seconds, 0))/s), load \(loadAverage())")
                nextReport += 100_000
            }
        }
        outcome.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return outcome
    }
}

/// A bounded queue of batches between the producer thread and the writer; an empty batch ends it.
final class BatchChannel: @unchecked Sendable {
    // @unchecked Sendable: `batches` is only touched while `condition` is locked.
    private let condition = NSCondition()
    private var batches: [[StoreGrower.Item]] = []
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func put(_ batch: [StoreGrower.Item]) {
        condition.lock()
        while batches.count >= capacity { condition.wait() }
        batches.append(batch)
        condition.broadcast()
        condition.unlock()
    }

    func take() -> [StoreGrower.Item] {
        condition.lock()
        while batches.isEmpty { condition.wait() }
        let batch = batches.removeFirst()
        condition.broadcast()
        condition.unlock()
        return batch
    }
}

/// The 1-, 5- and 15-minute load averages, to print beside a figure on a shared machine.
func loadAverage() -> String {
    guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "?" }
    return text.split(separator: " ").prefix(3).joined(separator: " ")
}
