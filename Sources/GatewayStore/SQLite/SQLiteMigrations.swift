/// The schema as numbered migrations. Each is applied once, in its own transaction, and
/// recorded in `PRAGMA user_version` (checked on open) and in `schema_migration` (for people).
/// Never edit a released migration: add the next number.
///
/// Conventions the PostgreSQL schema mirrors: times are integer microseconds since the epoch in
/// UTC (`timestamptz` there), bodies and payloads are bytes (`bytea`), a token without a system
/// stores `''` so the match key is never NULL.
enum SQLiteMigrations {
    typealias Migration = SchemaMigration

    static var latestVersion: Int { all.latestVersion }

    static let all: [Migration] = [
        Migration(version: 1, name: "initial schema", sql: """
            CREATE TABLE schema_migration (
                version INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at INTEGER NOT NULL
            );

            -- Every version of every resource, as received. seq orders writes store-wide.
            CREATE TABLE resource_version (
                seq INTEGER PRIMARY KEY,
                type TEXT NOT NULL,
                id TEXT NOT NULL,
                version INTEGER NOT NULL CHECK (version >= 1),
                last_updated INTEGER NOT NULL,
                deleted INTEGER NOT NULL CHECK (deleted IN (0, 1)),
                content_hash TEXT NOT NULL,
                body BLOB NOT NULL,
                UNIQUE (type, id, version)
            );

            -- The current version of each resource (a tombstone when deleted).
            CREATE TABLE resource_head (
                type TEXT NOT NULL,
                id TEXT NOT NULL,
                version INTEGER NOT NULL,
                seq INTEGER NOT NULL REFERENCES resource_version (seq),
                last_updated INTEGER NOT NULL,
                deleted INTEGER NOT NULL CHECK (deleted IN (0, 1)),
                PRIMARY KEY (type, id)
            ) WITHOUT ROWID;
            CREATE INDEX resource_head_by_time ON resource_head (type, last_updated, seq);

            -- Search rows of the current version; replaced by each write.
            CREATE TABLE search_token (
                type TEXT NOT NULL,
                id TEXT NOT NULL,
                param TEXT NOT NULL,
                system TEXT NOT NULL,
                code TEXT NOT NULL,
                FOREIGN KEY (type, id) REFERENCES resource_head (type, id) ON DELETE CASCADE
            );
            CREATE INDEX search_token_by_value ON search_token (type, param, code, system);
            CREATE INDEX search_token_by_resource ON search_token (type, id);

            CREATE TABLE search_reference (
                type TEXT NOT NULL,
                id TEXT NOT NULL,
                param TEXT NOT NULL,
                target TEXT NOT NULL,
                FOREIGN KEY (type, id) REFERENCES resource_head (type, id) ON DELETE CASCADE
            );
            CREATE INDEX search_reference_by_target ON search_reference (type, param, target);
            CREATE INDEX search_reference_by_resource ON search_reference (type, id);

            CREATE TABLE search_date (
                type TEXT NOT NULL,
                id TEXT NOT NULL,
                param TEXT NOT NULL,
                low INTEGER NOT NULL,
                high INTEGER NOT NULL,
                FOREIGN KEY (type, id) REFERENCES resource_head (type, id) ON DELETE CASCADE
            );
            CREATE INDEX search_date_by_value ON search_date (type, param, low, high);
            CREATE INDEX search_date_by_resource ON search_date (type, id);

            CREATE TABLE domain_row (
                kind TEXT NOT NULL,
                key TEXT NOT NULL,
                participant_key TEXT,
                json BLOB NOT NULL,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (kind, key)
            ) WITHOUT ROWID;
            CREATE INDEX domain_row_by_participant ON domain_row (participant_key, kind, key);

            CREATE TABLE import_ledger (
                content_hash TEXT PRIMARY KEY,
                path TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('imported', 'refused', 'partial')),
                read_count INTEGER NOT NULL,
                written_count INTEGER NOT NULL,
                refused_count INTEGER NOT NULL,
                report BLOB NOT NULL,
                recorded_at INTEGER NOT NULL
            );
            CREATE INDEX import_ledger_by_time ON import_ledger (recorded_at);

            -- The transactional outbox. seq is the enqueue order.
            CREATE TABLE outbound_message (
                seq INTEGER PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                endpoint_key TEXT NOT NULL,
                participant_key TEXT NOT NULL,
                priority INTEGER NOT NULL,
                idempotency_key TEXT NOT NULL,
                payload BLOB NOT NULL,
                content_type TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('pending', 'in_flight', 'delivered', 'dead_letter')),
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at INTEGER NOT NULL,
                lease_owner TEXT,
                lease_expires_at INTEGER,
                last_error TEXT,
                remote_id TEXT,
                remote_status TEXT,
                delivered_at INTEGER,
                UNIQUE (endpoint_key, idempotency_key)
            );
            CREATE INDEX outbound_open_queue ON outbound_message (endpoint_key, participant_key, priority, seq)
                WHERE status IN ('pending', 'in_flight');
            CREATE INDEX outbound_due ON outbound_message (status, next_attempt_at);
            CREATE INDEX outbound_by_status ON outbound_message (status, endpoint_key, seq);

            CREATE TABLE audit_event (
                seq INTEGER PRIMARY KEY,
                time INTEGER NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                resource_type TEXT,
                resource_id TEXT,
                outcome TEXT NOT NULL,
                detail TEXT
            );
            CREATE INDEX audit_event_by_time ON audit_event (time, seq);
            """),
        Migration(version: 2, name: "outbound route state", sql: """
            -- The circuit breaker of each delivery route, written by its worker on every change,
            -- so /metrics of another process shows it (OutboundRouteState).
            CREATE TABLE outbound_route_state (
                endpoint_key TEXT NOT NULL,
                route TEXT NOT NULL CHECK (route IN ('primary', 'fallback')),
                circuit TEXT NOT NULL CHECK (circuit IN ('closed', 'open', 'half_open')),
                consecutive_failures INTEGER NOT NULL,
                open_until INTEGER,
                changed_at INTEGER NOT NULL,
                worker_id TEXT NOT NULL,
                PRIMARY KEY (endpoint_key, route)
            );
            """),
        Migration(version: 3, name: "search index of every R4 parameter", sql: """
            -- Rows of every R4 search parameter type (FHIRSearch.SearchIndexer); grp ties the
            -- components of one composite value together (0 for other rows).
            ALTER TABLE search_token ADD COLUMN grp INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE search_reference ADD COLUMN grp INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE search_date ADD COLUMN grp INTEGER NOT NULL DEFAULT 0;

            CREATE TABLE search_string (
                type TEXT NOT NULL,
                id TEXT NOT NULL,
                param TEXT NOT NULL,
                norm TEXT NOT NULL,
                exact TEXT NOT NULL,
                grp INTEGER NOT NULL DEFAULT 0,
                FOREIGN KEY (type, id) REFERENCES resource_head (type, id) ON DELETE CASCADE
            );
            CREATE INDEX search_string_by_value ON search_string (type, param, norm);
            CREATE INDEX search_string_by_resource ON search_string (type, id);

            CREATE TABLE search_number (
                type TEXT NOT NULL,
                id TEXT NOT NULL,
                param TEXT NOT NULL,
                low REAL NOT NULL,
                high REAL NOT NULL,
                grp INTEGER NOT NULL DEFAULT 0,
                FOREIGN KEY (type, id) REFERENCES resource_head (type, id) ON DELETE CASCADE
            );
            CREATE INDEX search_number_by_value ON search_number (type, param, low, high);
            CREATE INDEX search_number_by_resource ON search_number (type, id);

            CREATE TABLE search_quantity (
                type TEXT NOT NULL,
                id TEXT NOT NULL,
                param TEXT NOT NULL,
                system TEXT NOT NULL,
                code TEXT NOT NULL,
                low REAL NOT NULL,
                high REAL NOT NULL,
                grp INTEGER NOT NULL DEFAULT 0,
                FOREIGN KEY (type, id) REFERENCES resource_head (type, id) ON DELETE CASCADE
            );
            CREATE INDEX search_quantity_by_value ON search_quantity (type, param, code, low, high);
            CREATE INDEX search_quantity_by_resource ON search_quantity (type, id);

            CREATE TABLE search_uri (
                type TEXT NOT NULL,
                id TEXT NOT NULL,
                param TEXT NOT NULL,
                value TEXT NOT NULL,
                grp INTEGER NOT NULL DEFAULT 0,
                FOREIGN KEY (type, id) REFERENCES resource_head (type, id) ON DELETE CASCADE
            );
            CREATE INDEX search_uri_by_value ON search_uri (type, param, value);
            CREATE INDEX search_uri_by_resource ON search_uri (type, id);

            -- Resources written before this version have only the first index's rows: the
            -- re-indexer (fhir-gateway reindex, or serve at start-up) rewrites the rows of every
            -- head with seq <= until_seq, in seq order, recording how far it got in the same unit
            -- of work, so it resumes where it stopped. Writes after the upgrade index themselves.
            CREATE TABLE search_reindex (
                index_version INTEGER PRIMARY KEY,
                until_seq INTEGER NOT NULL,
                after_seq INTEGER NOT NULL,
                total INTEGER NOT NULL,
                done INTEGER NOT NULL,
                started_at INTEGER NOT NULL,
                finished_at INTEGER
            );
            INSERT INTO search_reindex (index_version, until_seq, after_seq, total, done, started_at, finished_at)
                SELECT 2, COALESCE(MAX(seq), 0), 0, COUNT(*), 0,
                       CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER),
                       CASE WHEN COUNT(*) = 0 THEN CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER) END
                FROM resource_head WHERE deleted = 0;
            """),
        Migration(version: 4, name: "identity review", sql: """
            -- Inputs held because their participant may be someone already on record
            -- (HeldInput); a decision processes them and records how.
            CREATE TABLE identity_review (
                id TEXT PRIMARY KEY,
                status TEXT NOT NULL CHECK (status IN ('held', 'merged', 'kept_apart')),
                origin TEXT NOT NULL,
                content_hash TEXT,
                input BLOB NOT NULL,
                id_seed TEXT NOT NULL,
                stored_participant TEXT NOT NULL,
                incoming_participant TEXT NOT NULL,
                fields TEXT NOT NULL,
                outcome BLOB NOT NULL,
                held_at INTEGER NOT NULL,
                resolved_at INTEGER,
                resolved_by TEXT
            );
            CREATE INDEX identity_review_by_status ON identity_review (status, held_at, id);
            """),
        Migration(version: 5, name: "search rows keyed by version", sql: """
            -- Search rows carry the seq of the version they index and are found by it (the
            -- by_seq index grows at its end), instead of by (type, id), whose random ids spread
            -- every write over the whole by_resource index. The store deletes a version's rows
            -- itself when it replaces the version, so the foreign key (and its per-row check)
            -- goes too: SQLite can drop one only by rebuilding the table.

            CREATE TABLE search_token_v5 (
                type TEXT NOT NULL,
                id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                param TEXT NOT NULL,
                system TEXT NOT NULL,
                code TEXT NOT NULL,
                grp INTEGER NOT NULL DEFAULT 0
            );
            INSERT INTO search_token_v5 (type, id, seq, param, system, code, grp)
                SELECT x.type, x.id, h.seq, x.param, x.system, x.code, x.grp
                FROM search_token x JOIN resource_head h ON h.type = x.type AND h.id = x.id;
            DROP TABLE search_token;
            ALTER TABLE search_token_v5 RENAME TO search_token;
            CREATE INDEX search_token_by_value ON search_token (type, param, code, system);
            CREATE INDEX search_token_by_seq ON search_token (seq);

            CREATE TABLE search_reference_v5 (
                type TEXT NOT NULL,
                id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                param TEXT NOT NULL,
                target TEXT NOT NULL,
                grp INTEGER NOT NULL DEFAULT 0
            );
            INSERT INTO search_reference_v5 (type, id, seq, param, target, grp)
                SELECT x.type, x.id, h.seq, x.param, x.target, x.grp
                FROM search_reference x JOIN resource_head h ON h.type = x.type AND h.id = x.id;
            DROP TABLE search_reference;
            ALTER TABLE search_reference_v5 RENAME TO search_reference;
            CREATE INDEX search_reference_by_target ON search_reference (type, param, target);
            CREATE INDEX search_reference_by_seq ON search_reference (seq);

            CREATE TABLE search_date_v5 (
                type TEXT NOT NULL,
                id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                param TEXT NOT NULL,
                low INTEGER NOT NULL,
                high INTEGER NOT NULL,
                grp INTEGER NOT NULL DEFAULT 0
            );
            INSERT INTO search_date_v5 (type, id, seq, param, low, high, grp)
                SELECT x.type, x.id, h.seq, x.param, x.low, x.high, x.grp
                FROM search_date x JOIN resource_head h ON h.type = x.type AND h.id = x.id;
            DROP TABLE search_date;
            ALTER TABLE search_date_v5 RENAME TO search_date;
            CREATE INDEX search_date_by_value ON search_date (type, param, low, high);
            CREATE INDEX search_date_by_seq ON search_date (seq);

            CREATE TABLE search_string_v5 (
                type TEXT NOT NULL,
                id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                param TEXT NOT NULL,
                norm TEXT NOT NULL,
                exact TEXT NOT NULL,
                grp INTEGER NOT NULL DEFAULT 0
            );
            INSERT INTO search_string_v5 (type, id, seq, param, norm, exact, grp)
                SELECT x.type, x.id, h.seq, x.param, x.norm, x.exact, x.grp
                FROM search_string x JOIN resource_head h ON h.type = x.type AND h.id = x.id;
            DROP TABLE search_string;
            ALTER TABLE search_string_v5 RENAME TO search_string;
            CREATE INDEX search_string_by_value ON search_string (type, param, norm);
            CREATE INDEX search_string_by_seq ON search_string (seq);

            CREATE TABLE search_number_v5 (
                type TEXT NOT NULL,
                id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                param TEXT NOT NULL,
                low REAL NOT NULL,
                high REAL NOT NULL,
                grp INTEGER NOT NULL DEFAULT 0
            );
            INSERT INTO search_number_v5 (type, id, seq, param, low, high, grp)
                SELECT x.type, x.id, h.seq, x.param, x.low, x.high, x.grp
                FROM search_number x JOIN resource_head h ON h.type = x.type AND h.id = x.id;
            DROP TABLE search_number;
            ALTER TABLE search_number_v5 RENAME TO search_number;
            CREATE INDEX search_number_by_value ON search_number (type, param, low, high);
            CREATE INDEX search_number_by_seq ON search_number (seq);

            CREATE TABLE search_quantity_v5 (
                type TEXT NOT NULL,
                id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                param TEXT NOT NULL,
                system TEXT NOT NULL,
                code TEXT NOT NULL,
                low REAL NOT NULL,
                high REAL NOT NULL,
                grp INTEGER NOT NULL DEFAULT 0
            );
            INSERT INTO search_quantity_v5 (type, id, seq, param, system, code, low, high, grp)
                SELECT x.type, x.id, h.seq, x.param, x.system, x.code, x.low, x.high, x.grp
                FROM search_quantity x JOIN resource_head h ON h.type = x.type AND h.id = x.id;
            DROP TABLE search_quantity;
            ALTER TABLE search_quantity_v5 RENAME TO search_quantity;
            CREATE INDEX search_quantity_by_value ON search_quantity (type, param, code, low, high);
            CREATE INDEX search_quantity_by_seq ON search_quantity (seq);

            CREATE TABLE search_uri_v5 (
                type TEXT NOT NULL,
                id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                param TEXT NOT NULL,
                value TEXT NOT NULL,
                grp INTEGER NOT NULL DEFAULT 0
            );
            INSERT INTO search_uri_v5 (type, id, seq, param, value, grp)
                SELECT x.type, x.id, h.seq, x.param, x.value, x.grp
                FROM search_uri x JOIN resource_head h ON h.type = x.type AND h.id = x.id;
            DROP TABLE search_uri;
            ALTER TABLE search_uri_v5 RENAME TO search_uri;
            CREATE INDEX search_uri_by_value ON search_uri (type, param, value);
            CREATE INDEX search_uri_by_seq ON search_uri (seq);
            """),
        Migration(version: 6, name: "token endpoint", sql: """
            -- SMART Backend Services: the jti of every client assertion seen, until it expires
            -- (a replay is refused), and the SHA-256 of every access token issued.
            CREATE TABLE auth_assertion (
                client TEXT NOT NULL,
                jti TEXT NOT NULL,
                expires_at INTEGER NOT NULL,
                PRIMARY KEY (client, jti)
            );
            CREATE INDEX auth_assertion_by_expiry ON auth_assertion (expires_at);
            CREATE TABLE auth_token (
                token_sha256 TEXT PRIMARY KEY,
                client TEXT NOT NULL,
                scopes TEXT NOT NULL,
                issued_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL
            );
            CREATE INDEX auth_token_by_expiry ON auth_token (expires_at);
            """),
    ]
}
