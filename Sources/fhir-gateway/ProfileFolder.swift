import FHIRValidation
import Foundation

/// Where the command line finds the IOP's profiles: `--profiles DIR`, else the
/// `IOP_GATEWAY_PROFILES` environment variable, else `./Profiles` (the repository's folder when
/// run from a checkout). No folder at all means base R4 only, which the caller is told.
enum ProfileFolder {
    static func load(_ explicit: String?) throws -> ProfileRegistry {
        let candidates = [explicit, ProcessInfo.processInfo.environment["IOP_GATEWAY_PROFILES"], "Profiles"].compactMap { $0 }
        for path in candidates {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                return try ProfileRegistry(folder: URL(fileURLWithPath: path))
            }
            if path == explicit { throw ProfileRegistry.LoadError(file: path, reason: "not a folder") }
        }
        FileHandle.standardError.write(Data("note: no Profiles folder found; validating against base R4 only\n".utf8))
        return ProfileRegistry()
    }
}
