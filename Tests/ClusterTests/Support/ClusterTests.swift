import Testing

/// Every cluster test runs real gateway processes (up to six at once, and a PostgreSQL server
/// beside them); one test at a time keeps that load off the rest of the suite, whose timing
/// tests run in parallel on the same two cores.
@Suite("Cluster", .serialized)
struct ClusterTests {}
