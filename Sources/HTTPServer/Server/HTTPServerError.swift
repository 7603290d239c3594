/// Failures of the server itself, each with the system call and errno where there is one.
public enum HTTPServerError: Error, Sendable, Hashable, CustomStringConvertible {
    case addressResolution(host: String, message: String)
    case systemCall(name: String, errno: Int32)
    case alreadyRunning
    case connectionClosed

    public var description: String {
        switch self {
        case .addressResolution(let host, let message): "cannot resolve \(host): \(message)"
        case .systemCall(let name, let code): "\(name) failed: errno \(code)"
        case .alreadyRunning: "the server is already running"
        case .connectionClosed: "the connection was closed"
        }
    }
}

/// The address the server listens on.
public struct HTTPServerAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
