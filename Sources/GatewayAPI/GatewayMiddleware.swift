import GatewayStore

/// The gateway's middleware chain, outermost first: operations (probes, metrics, access log),
/// the SMART token endpoint and configuration (which audit themselves), then audit (so a
/// request refused by authentication is audited too), then authentication.
public enum GatewayMiddleware {
    public static func standard(
        store: any GatewayStore, clients: ClientRegistry, metrics: GatewayMetrics, configuration: FHIRAPIConfiguration,
        migrationsDone: @escaping @Sendable () throws -> Bool = { true },
        accessLog: @escaping @Sendable (String) -> Void
    ) -> [any APIMiddleware] {
        [
            OperationsMiddleware(
                store: store, metrics: metrics, basePath: configuration.basePath, migrationsDone: migrationsDone,
                accessLog: accessLog),
            TokenEndpoint(
                clients: clients, store: store, basePath: configuration.basePath, publicBaseURL: configuration.publicBaseURL,
                tokenLifetime: configuration.accessTokenLifetime, log: configuration.log),
            AuditMiddleware(store: store, basePath: configuration.basePath, log: configuration.log),
            AuthenticationMiddleware(clients: clients, basePath: configuration.basePath, store: store),
        ]
    }
}
