import Foundation

/// How the FHIR REST API behaves: where it lives, its page sizes and limits, and where it logs.
public struct FHIRAPIConfiguration: Sendable {
    /// The path of the FHIR base, `/fhir`.
    public var basePath: String
    /// The absolute base URL put in `Location`, `fullUrl` and paging links, e.g.
    /// `https://gateway.example.org/fhir` behind a reverse proxy. nil: `http://<Host header><basePath>`.
    public var publicBaseURL: String?
    /// `_count` when the client gives none.
    public var defaultPageSize: Int
    /// The largest `_count` honoured; larger values are capped (search.html §3.1.1.5.6 lets a
    /// server return fewer than asked).
    public var maxPageSize: Int
    /// Request bodies larger than this are refused with 413 before they are read.
    public var maxRequestBytes: Int
    /// Entries a transaction or batch Bundle may hold.
    public var maxBundleEntries: Int
    /// Seconds an access token from the token endpoint lives (SMART: no more than 5 minutes).
    public var accessTokenLifetime: Int64
    /// `CapabilityStatement.software`.
    public var softwareName: String
    public var softwareVersion: String
    /// Called with one line per internal error (with its incident id, which the client also
    /// gets) and never with request bodies or header values.
    public var log: @Sendable (String) -> Void

    public init(
        basePath: String = "/fhir",
        publicBaseURL: String? = nil,
        defaultPageSize: Int = 20,
        maxPageSize: Int = 100,
        maxRequestBytes: Int = 16 << 20,
        maxBundleEntries: Int = 1000,
        accessTokenLifetime: Int64 = 300,
        softwareName: String = "IOP FHIR gateway",
        softwareVersion: String = "0.1.0",
        log: @escaping @Sendable (String) -> Void = { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    ) {
        self.basePath = basePath
        self.publicBaseURL = publicBaseURL
        self.defaultPageSize = max(1, defaultPageSize)
        self.maxPageSize = max(1, maxPageSize)
        self.maxRequestBytes = maxRequestBytes
        self.maxBundleEntries = maxBundleEntries
        self.accessTokenLifetime = max(1, accessTokenLifetime)
        self.softwareName = softwareName
        self.softwareVersion = softwareVersion
        self.log = log
    }

    /// The absolute base for links: `publicBaseURL`, else `http://<Host header><basePath>`.
    public func baseURL(hostHeader: String?) -> String {
        if let configured = publicBaseURL {
            return configured.hasSuffix("/") ? String(configured.dropLast()) : configured
        }
        let host = hostHeader.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost"
        let base = basePath.hasSuffix("/") ? String(basePath.dropLast()) : basePath
        return "http://\(host)\(base)"
    }

    /// A path beside the FHIR base on the same origin (`…/fhir` → `…/auth/token`).
    func url(ofPath path: String, besideBase baseURL: String) -> String {
        var origin = baseURL
        let base = basePath.hasSuffix("/") ? String(basePath.dropLast()) : basePath
        if origin.hasSuffix(base) { origin.removeLast(base.count) }
        return origin + path
    }
}
