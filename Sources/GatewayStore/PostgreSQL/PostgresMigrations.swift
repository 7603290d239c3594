/// The PostgreSQL schema as numbered migrations: the same tables, columns and indexes as
/// `SQLiteMigrations`, version for version, in PostgreSQL's types. Applied at start-up under a
/// session advisory lock (see `PostgresGatewayStore.migrate`), each in its own transaction, and
/// recorded in `schema_migration`. Never edit a released migration: add the next number, to
/// both engines.
///
/// Differences from the SQLite schema, all of representation:
/// - times are `timestamptz` (microseconds, like `StoreTimestamp`), not integer microseconds;
/// - bodies, payloads, reports and domain JSON are `bytea`, stored and returned byte for byte;
/// - `deleted` is `boolean`, not 0/1;
/// - `seq` columns are `bigint GENERATED ALWAYS AS IDENTITY` where SQLite uses the rowid; they
///   order writes, but across concurrent transactions not necessarily in commit order;
/// - keys and other text are `COLLATE "C"`, so ordering and `>` comparisons (paging by id or key)
///   are bytewise, as in SQLite, whatever the database's default collation.
enum PostgresMigrations {
    typealias Migration = SchemaMigration

    static var latestVersion: Int { all.latestVersion }

    static let all: [Migration] = [
        Migration(version: 1, name: "initial schema", sql: """
            CREATE TABLE schema_migration (
                version integer PRIMARY KEY,
                name text NOT NULL,
                applied_at timestamptz NOT NULL
            );

            CREATE TABLE resource_version (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                type text COLLATE "C" NOT NULL,
                id text COLLATE "C" NOT NULL,
                version integer NOT NULL CHECK (version >= 1),
                last_updated timestamptz NOT NULL,
                deleted boolean NOT NULL,
                content_hash text COLLATE "C" NOT NULL,
                body bytea NOT NULL,
                UNIQUE (type, id, version)
            );

            CREATE TABLE resource_head (
                type text COLLATE "C" NOT NULL,
                id text COLLATE "C" NOT NULL,
                version integer NOT NULL,
                seq bigint NOT NULL REFERENCES resource_version (seq),
                last_updated timestamptz NOT NULL,
                deleted boolean NOT NULL,
                PRIMARY KEY (type, id)
            );
            CREATE INDEX resource_head_by_time ON resource_head (type, last_updated, seq);

            CREATE TABLE search_token (
                type text COLLATE "C" NOT NULL,
                id text COLLATE "C" NOT NULL,
                param text COLLATE "C" NOT NULL,
                system text COLLATE "C" NOT NULL,
                code text COLLATE "C" NOT NULL,
                FOREIGN KEY (type, id) REFERENCES resource_head (type, id) ON DELETE CASCADE
            );
            CREATE INDEX search_token_by_value ON search_token (type, param, code, system);
            CREATE INDEX search_token_by_resource ON search_token (type, id);

            CREATE TABLE search_reference (
                type text COLLATE "C" NOT NULL,
                id text COLLATE "C" NOT NULL,
                param text COLLATE "C" NOT NULL,
                target text COLLATE "C" NOT NULL,
                FOREIGN KEY (type, id) REFERENCES resource_head (type, id) ON DELETE CASCADE
            );
            CREATE INDEX search_reference_by_target ON search_reference (type, param, target);
            CREATE INDEX search_reference_by_resource ON search_reference (type, id);

            CREATE TABLE search_date (
                type text COLLATE "C" NOT NULL,
                id text COLLATE "C" NOT NULL,
                param text COLLATE "C" NOT NULL,
                low timestamptz NOT NULL,
                high timestamptz NOT NULL,
                FOREIGN KEY (type, id) REFERENCES resource_head (type, id) ON DELETE CASCADE
            );
            CREATE INDEX search_date_by_value ON search_date (type, param, low, high);
            CREATE INDEX search_date_by_resource ON search_date (type, id);

            CREATE TABLE domain_row (
                kind text COLLATE "C" NOT NULL,
                key text COLLATE "C" NOT NULL,
                participant_key text COLLATE "C",
                json bytea NOT NULL,
                updated_at timestamptz NOT NULL,
                PRIMARY KEY (kind, key)
            );
            CREATE INDEX domain_row_by_participant ON domain_row (participant_key, kind, key);

            CREATE TABLE import_ledger (
                content_hash text COLLATE "C" PRIMARY KEY,
                path text NOT NULL,
                status text NOT NULL CHECK (status IN ('imported', 'refused', 'partial')),
                read_count integer NOT NULL,
                written_count integer NOT NULL,
                refused_count integer NOT NULL,
                report bytea NOT NULL,
                recorded_at timestamptz NOT NULL
            );
            CREATE INDEX import_ledger_by_time ON import_ledger (recorded_at);

            CREATE TABLE outbound_message (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                id text COLLATE "C" NOT NULL UNIQUE,
                endpoint_key text COLLATE "C" NOT NULL,
                participant_key text COLLATE "C" NOT NULL,
                priority integer NOT NULL,
                idempotency_key text COLLATE "C" NOT NULL,
                payload bytea NOT NULL,
                content_type text NOT NULL,
                created_at timestamptz NOT NULL,
                status text COLLATE "C" NOT NULL CHECK (status IN ('pending', 'in_flight', 'delivered', 'dead_letter')),
                attempts integer NOT NULL DEFAULT 0,
                next_attempt_at timestamptz NOT NULL,
                lease_owner text,
                lease_expires_at timestamptz,
                last_error text,
                remote_id text,
                remote_status text,
                delivered_at timestamptz,
                UNIQUE (endpoint_key, idempotency_key)
            );
            CREATE INDEX outbound_open_queue ON outbound_message (endpoint_key, participant_key, priority, seq)
                WHERE status IN ('pending', 'in_flight');
            CREATE INDEX outbound_due ON outbound_message (status, next_attempt_at);
            CREATE INDEX outbound_by_status ON outbound_message (status, endpoint_key, seq);

            CREATE TABLE audit_event (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                time timestamptz NOT NULL,
                actor text NOT NULL,
                action text NOT NULL,
                resource_type text,
                resource_id text,
                outcome text NOT NULL,
                detail text
            );
            CREATE INDEX audit_event_by_time ON audit_event (time, seq);
            """),
        Migration(version: 2, name: "outbound route state", sql: """
            CREATE TABLE outbound_route_state (
                endpoint_key text COLLATE "C" NOT NULL,
                route text COLLATE "C" NOT NULL CHECK (route IN ('primary', 'fallback')),
                circuit text COLLATE "C" NOT NULL CHECK (circuit IN ('closed', 'open', 'half_open')),
                consecutive_failures integer NOT NULL,
                open_until timestamptz,
                changed_at timestamptz NOT NULL,
                worker_id text NOT NULL,
                PRIMARY KEY (endpoint_key, route)
            );
            """),
        Migration(version: 3, name: "search index of every R4 parameter", sql: """
            ALTER TABLE search_token ADD COLUMN grp integer NOT NULL DEFAULT 0;
            ALTER TABLE search_reference ADD COLUMN grp integer NOT NULL DEFAULT 0;
            ALTER TABLE search_date ADD COLUMN grp integer NOT NULL DEFAULT 0;

            CREATE TABLE search_string (
                type text COLLATE "C" NOT NULL,
                id text COLLATE "C" NOT NULL,
                param text COLLATE "C" NOT NULL,
                norm text COLLATE "C" NOT NULL,
                exact text COLLATE "C" NOT NULL,
                grp integer NOT NULL DEFAULT 0,
                FOREIGN KEY (type, id) REFERENCES resource_head (type, id) ON DELETE CASCADE
            );
            CREATE INDEX search_string_by_value ON search_string (type, param, norm);
            CREATE INDEX search_string_by_resource ON search_string (type, id);

            CREATE TABLE search_number (
                type text COLLATE "C" NOT NULL,
                id text COLLATE "C" NOT NULL,
                param text COLLATE "C" NOT NULL,
                low double precision NOT NULL,
                high double precision NOT NULL,
                grp integer NOT NULL DEFAULT 0,
                FOREIGN KEY (type, id) REFERENCES resource_head (type, id) ON DELETE CASCADE
            );
            CREATE INDEX search_number_by_value ON search_number (type, param, low, high);
            CREATE INDEX search_number_by_resource ON search_number (type, id);

            CREATE TABLE search_quantity (
                type text COLLATE "C" NOT NULL,
                id text COLLATE "C" NOT NULL,
                param text COLLATE "C" NOT NULL,
                system text COLLATE "C" NOT NULL,
                code text COLLATE "C" NOT NULL,
                low double precision NOT NULL,
                high double precision NOT NULL,
                grp integer NOT NULL DEFAULT 0,
                FOREIGN KEY (type, id) REFERENCES resource_head (type, id) ON DELETE CASCADE
            );
            CREATE INDEX search_quantity_by_value ON search_quantity (type, param, code, low, high);
            CREATE INDEX search_quantity_by_resource ON search_quantity (type, id);

            CREATE TABLE search_uri (
                type text COLLATE "C" NOT NULL,
                id text COLLATE "C" NOT NULL,
                param text COLLATE "C" NOT NULL,
                value text COLLATE "C" NOT NULL,
                grp integer NOT NULL DEFAULT 0,
                FOREIGN KEY (type, id) REFERENCES resource_head (type, id) ON DELETE CASCADE
            );
            CREATE INDEX search_uri_by_value ON search_uri (type, param, value);
            CREATE INDEX search_uri_by_resource ON search_uri (type, id);

            CREATE TABLE search_reindex (
                index_version integer PRIMARY KEY,
                until_seq bigint NOT NULL,
                after_seq bigint NOT NULL,
                total bigint NOT NULL,
                done bigint NOT NULL,
                started_at timestamptz NOT NULL,
                finished_at timestamptz
            );
            INSERT INTO search_reindex (index_version, until_seq, after_seq, total, done, started_at, finished_at)
                SELECT 2, COALESCE(MAX(seq), 0), 0, COUNT(*), 0, now(), CASE WHEN COUNT(*) = 0 THEN now() END
                FROM resource_head WHERE NOT deleted;
            """),
        Migration(version: 4, name: "identity review", sql: """
            CREATE TABLE identity_review (
                id text COLLATE "C" PRIMARY KEY,
                status text COLLATE "C" NOT NULL CHECK (status IN ('held', 'merged', 'kept_apart')),
                origin text NOT NULL,
                content_hash text COLLATE "C",
                input bytea NOT NULL,
                id_seed text NOT NULL,
                stored_participant text COLLATE "C" NOT NULL,
                incoming_participant text COLLATE "C" NOT NULL,
                fields text NOT NULL,
                outcome bytea NOT NULL,
                held_at timestamptz NOT NULL,
                resolved_at timestamptz,
                resolved_by text
            );
            CREATE INDEX identity_review_by_status ON identity_review (status, held_at, id);
            """),
        Migration(version: 5, name: "search rows keyed by version", sql: """
            -- As SQLite's migration 5: rows carry the seq of the version they index and are found
            -- by it; the foreign keys to resource_head go (the store deletes replaced rows itself).
            DO $$
            DECLARE c record;
            BEGIN
                FOR c IN SELECT conrelid::regclass AS child, conname FROM pg_constraint
                         WHERE contype = 'f' AND confrelid = 'resource_head'::regclass
                           AND conrelid::regclass::text LIKE 'search%'
                LOOP
                    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', c.child, c.conname);
                END LOOP;
            END $$;

            ALTER TABLE search_token ADD COLUMN seq bigint;
            UPDATE search_token x SET seq = h.seq FROM resource_head h WHERE h.type = x.type AND h.id = x.id;
            ALTER TABLE search_token ALTER COLUMN seq SET NOT NULL;
            DROP INDEX search_token_by_resource;
            CREATE INDEX search_token_by_seq ON search_token (seq);

            ALTER TABLE search_reference ADD COLUMN seq bigint;
            UPDATE search_reference x SET seq = h.seq FROM resource_head h WHERE h.type = x.type AND h.id = x.id;
            ALTER TABLE search_reference ALTER COLUMN seq SET NOT NULL;
            DROP INDEX search_reference_by_resource;
            CREATE INDEX search_reference_by_seq ON search_reference (seq);

            ALTER TABLE search_date ADD COLUMN seq bigint;
            UPDATE search_date x SET seq = h.seq FROM resource_head h WHERE h.type = x.type AND h.id = x.id;
            ALTER TABLE search_date ALTER COLUMN seq SET NOT NULL;
            DROP INDEX search_date_by_resource;
            CREATE INDEX search_date_by_seq ON search_date (seq);

            ALTER TABLE search_string ADD COLUMN seq bigint;
            UPDATE search_string x SET seq = h.seq FROM resource_head h WHERE h.type = x.type AND h.id = x.id;
            ALTER TABLE search_string ALTER COLUMN seq SET NOT NULL;
            DROP INDEX search_string_by_resource;
            CREATE INDEX search_string_by_seq ON search_string (seq);

            ALTER TABLE search_number ADD COLUMN seq bigint;
            UPDATE search_number x SET seq = h.seq FROM resource_head h WHERE h.type = x.type AND h.id = x.id;
            ALTER TABLE search_number ALTER COLUMN seq SET NOT NULL;
            DROP INDEX search_number_by_resource;
            CREATE INDEX search_number_by_seq ON search_number (seq);

            ALTER TABLE search_quantity ADD COLUMN seq bigint;
            UPDATE search_quantity x SET seq = h.seq FROM resource_head h WHERE h.type = x.type AND h.id = x.id;
            ALTER TABLE search_quantity ALTER COLUMN seq SET NOT NULL;
            DROP INDEX search_quantity_by_resource;
            CREATE INDEX search_quantity_by_seq ON search_quantity (seq);

            ALTER TABLE search_uri ADD COLUMN seq bigint;
            UPDATE search_uri x SET seq = h.seq FROM resource_head h WHERE h.type = x.type AND h.id = x.id;
            ALTER TABLE search_uri ALTER COLUMN seq SET NOT NULL;
            DROP INDEX search_uri_by_resource;
            CREATE INDEX search_uri_by_seq ON search_uri (seq);
            """),
        Migration(version: 6, name: "token endpoint", sql: """
            -- As SQLite's migration 6.
            CREATE TABLE auth_assertion (
                client text COLLATE "C" NOT NULL,
                jti text COLLATE "C" NOT NULL,
                expires_at timestamptz NOT NULL,
                PRIMARY KEY (client, jti)
            );
            CREATE INDEX auth_assertion_by_expiry ON auth_assertion (expires_at);
            CREATE TABLE auth_token (
                token_sha256 text COLLATE "C" PRIMARY KEY,
                client text COLLATE "C" NOT NULL,
                scopes text NOT NULL,
                issued_at timestamptz NOT NULL,
                expires_at timestamptz NOT NULL
            );
            CREATE INDEX auth_token_by_expiry ON auth_token (expires_at);
            """),
    ]
}
