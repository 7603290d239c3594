import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GatewayTestSupport
import Testing

/// HTTPS in front of the gateway (issue "The FHIR REST API", part 4): the committed nginx
/// configuration (`deploy/nginx/iop-fhir-gateway.conf`), with a throw-away self-signed
/// certificate, run by the Debian nginx on loopback in front of a gateway this test starts.
/// Skips when nginx, openssl or curl is absent; `.ci/run` installs them.
@Suite("HTTPS through nginx", .serialized)
struct TLSProxyTests {
    static let siteFile = APIFixtures.root.appendingPathComponent("deploy/nginx/iop-fhir-gateway.conf")

    @Test("a SampleBundle posted over HTTPS is committed; plain HTTP, unknown certificates and oversize bodies are refused")
    func sampleBundleOverHTTPS() async throws {
        guard let nginx = ExternalProgram.find("nginx"), let openssl = ExternalProgram.find("openssl"),
              let curl = ExternalProgram.find("curl")
        else {
            print("nginx, openssl or curl is not installed (apt-get install nginx openssl curl): HTTPS test skipped")
            return
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tls-proxy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let certificate = try await makeSelfSignedCertificate(openssl, in: folder, name: "gateway")
        let stranger = try await makeSelfSignedCertificate(openssl, in: folder, name: "stranger")

        try await withAPIServer(clients: AccessHarness.clients) { gateway in
            let proxy = try await NginxProxy.start(
                nginx, site: Self.siteFile, upstreamPort: gateway.port, certificate: certificate, folder: folder)
            defer { proxy.stop() }
            let base = "https://127.0.0.1:\(proxy.port)"
            let auth = ["-H", "Authorization: Bearer \(AccessHarness.fullToken)"]
            let json = ["-H", "Content-Type: application/fhir+json", "-H", "Accept: application/fhir+json"]
            let bundle = APIFixtures.root.appendingPathComponent("SampleBundles/referral-bundle.json").path

            // The referral through TLS: a transaction-response with one 201 per entry.
            let posted = try await fetch(curl, ["--cacert", certificate.path] + auth + json + ["--data-binary", "@" + bundle, base + "/fhir"])
            #expect(posted.status == 200, "\(posted.body)")
            let response = try #require(try? JSONSerialization.jsonObject(with: Data(posted.body.utf8)) as? [String: Any])
            #expect(response["type"] as? String == "transaction-response")
            let entries = (response["entry"] as? [[String: Any]]) ?? []
            let statuses = entries.compactMap { ($0["response"] as? [String: Any])?["status"] as? String }
            #expect(statuses.count == 5 && statuses.allSatisfy { $0.hasPrefix("201") }, "\(statuses)")
            #expect(try gateway.count("Patient") == 1)

            // The Patient reads back through the proxy at the location the response gave.
            let location = try #require((entries.first?["response"] as? [String: Any])?["location"] as? String)
            let path = location.hasPrefix("http") ? String(location[location.range(of: "/fhir/")!.lowerBound...]) : "/fhir/" + location
            let read = try await fetch(curl, ["--cacert", certificate.path] + auth + [base + path])
            #expect(read.status == 200)
            #expect(read.body.contains("\"resourceType\":\"Patient\""))

            // A client that does not trust the certificate does not connect (curl: 60, peer
            // certificate cannot be authenticated), with the system's CAs or another self-signed one.
            let untrusted = try await curl.run(["-sS", base + "/fhir/metadata"])
            #expect(untrusted.status == 60, "\(untrusted.output)")
            let wrongAuthority = try await curl.run(["-sS", "--cacert", stranger.path, base + "/fhir/metadata"])
            #expect(wrongAuthority.status == 60, "\(wrongAuthority.output)")

            // Plain HTTP on the TLS port is answered by nginx with 400 and never reaches the gateway.
            let plain = try await fetch(curl, auth + json + ["--data-binary", "@" + bundle, "http://127.0.0.1:\(proxy.port)/fhir"])
            #expect(plain.status == 400)
            #expect(!plain.body.contains("resourceType"))

            // A body over the gateway's limit is refused by nginx before it is relayed.
            let large = folder.appendingPathComponent("large.json")
            try Data(repeating: UInt8(ascii: " "), count: 17 << 20).write(to: large)
            let oversize = try await fetch(curl, ["--cacert", certificate.path] + auth + json + ["--data-binary", "@" + large.path, base + "/fhir"])
            #expect(oversize.status == 413)
            #expect(try gateway.count("Patient") == 1)
        }
    }

    /// An EC P-256 key and a one-day certificate for 127.0.0.1 (subjectAltName, which curl checks).
    private func makeSelfSignedCertificate(_ openssl: ExternalProgram, in folder: URL, name: String) async throws -> URL {
        let certificate = folder.appendingPathComponent("\(name).crt")
        let made = try await openssl.run([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", folder.appendingPathComponent("\(name).key").path, "-out", certificate.path,
        ])
        try #require(made.status == 0, "openssl req failed: \(made.output)")
        return certificate
    }

    /// curl's answer: the status from `-w` after the body (0 when it did not get one).
    private func fetch(_ curl: ExternalProgram, _ arguments: [String]) async throws -> (status: Int, body: String) {
        let outcome = try await curl.run(["-sS", "--max-time", "60", "-w", "\n%{http_code}"] + arguments)
        let lines = outcome.output.split(separator: "\n", omittingEmptySubsequences: false)
        let status = lines.last.flatMap { Int($0) } ?? 0
        return (status, lines.dropLast().joined(separator: "\n"))
    }
}

/// nginx as a child of the test, with everything it writes (pid, logs, temporary bodies) in the
/// test's folder, so it runs without root and leaves nothing behind.
struct NginxProxy {
    let process: Process
    let port: Int

    static func start(
        _ nginx: ExternalProgram, site: URL, upstreamPort: Int, certificate: URL, folder: URL
    ) async throws -> NginxProxy {
        var lastLog = ""
        // The port is chosen free just before nginx binds it; another process may take it in
        // between, so a failed start is tried again on another port.
        for _ in 0..<3 {
            let port = try freeLoopbackPort()
            let configuration = try configuration(site: site, port: port, upstreamPort: upstreamPort, certificate: certificate, folder: folder)
            try configuration.write(to: folder.appendingPathComponent("nginx.conf"), atomically: true, encoding: .utf8)
            let errorLog = folder.appendingPathComponent("error.log")
            let process = try nginx.start(
                ["-p", folder.path, "-e", errorLog.path, "-c", folder.appendingPathComponent("nginx.conf").path],
                log: folder.appendingPathComponent("nginx.out"))
            let proxy = NginxProxy(process: process, port: port)
            // Generous: a loaded 2-core machine may take seconds to start the workers.
            for _ in 0..<300 where process.isRunning {
                if acceptsConnections(port: port) { return proxy }
                try await Task.sleep(for: .milliseconds(100))
            }
            proxy.stop()
            lastLog = (try? String(contentsOf: errorLog, encoding: .utf8)) ?? ""
        }
        throw NginxStartError(description: "nginx did not start; its error log:\n\(lastLog)")
    }

    /// The main configuration around the committed site file, whose listen address, upstream
    /// and certificate are replaced by the test's. Each replaced line must be in the file, so a
    /// change there that the test no longer exercises fails here.
    static func configuration(site: URL, port: Int, upstreamPort: Int, certificate: URL, folder: URL) throws -> String {
        var text = try String(contentsOf: site, encoding: .utf8)
        let key = certificate.deletingPathExtension().appendingPathExtension("key")
        let replacements = [
            ("listen 443 ssl;", "listen 127.0.0.1:\(port) ssl;"),
            ("listen [::]:443 ssl;", ""),
            ("server 127.0.0.1:8080;", "server 127.0.0.1:\(upstreamPort);"),
            ("ssl_certificate     /etc/ssl/iop-fhir-gateway/gateway.crt;", "ssl_certificate \(certificate.path);"),
            ("ssl_certificate_key /etc/ssl/iop-fhir-gateway/gateway.key;", "ssl_certificate_key \(key.path);"),
        ]
        for (line, replacement) in replacements {
            guard text.contains(line) else { throw NginxStartError(description: "\(site.lastPathComponent) no longer has `\(line)`") }
            text = text.replacingOccurrences(of: line, with: replacement)
        }
        let sitePath = folder.appendingPathComponent("site.conf")
        try text.write(to: sitePath, atomically: true, encoding: .utf8)
        let dir = folder.path
        // As root (CI), nginx's workers would switch to `nobody`, who cannot write the test's
        // private folder; this throw-away instance keeps root's user instead.
        let user = geteuid() == 0 ? "user root;" : ""
        return """
            daemon off;
            worker_processes 1;
            \(user)
            pid \(dir)/nginx.pid;
            error_log \(dir)/error.log warn;
            events { worker_connections 256; }
            http {
                access_log \(dir)/access.log;
                client_body_temp_path \(dir)/client_body;
                proxy_temp_path \(dir)/proxy;
                fastcgi_temp_path \(dir)/fastcgi;
                uwsgi_temp_path \(dir)/uwsgi;
                scgi_temp_path \(dir)/scgi;
                default_type application/octet-stream;
                include \(sitePath.path);
            }
            """
    }

    /// Stops nginx (SIGTERM to the master, which stops its workers) and waits for it.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}

struct NginxStartError: Error, CustomStringConvertible {
    var description: String
}

/// A loopback port that was free a moment ago.
func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw NginxStartError(description: "socket errno \(errno)") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
        }
    }
    guard bound else { throw NginxStartError(description: "bind errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Whether something accepts TCP connections on the loopback port.
func acceptsConnections(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}
