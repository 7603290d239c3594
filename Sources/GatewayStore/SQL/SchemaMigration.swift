/// One numbered step of an engine's schema (`SQLiteMigrations`, `PostgresMigrations`): applied
/// once, in its own transaction. Never edit a released one: add the next number, to both engines.
struct SchemaMigration {
    let version: Int
    let name: String
    let sql: String
}

extension [SchemaMigration] {
    /// The schema version these migrations reach.
    var latestVersion: Int { last?.version ?? 0 }
}
