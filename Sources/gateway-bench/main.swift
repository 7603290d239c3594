import Foundation

/// `gateway-bench <suite> [options]`: release-mode benchmarks that print our figures beside a
/// baseline measured in the same run (ARCHITECTURE.md; STYLE.md habit 7). Not part of `swift test`.
let arguments = Array(CommandLine.arguments.dropFirst())
let usage = """
    usage: swift run -c release gateway-bench <suite> [options]

    suites:
      json [--corpus DIR]... [--repeat N] [--peers]
          Parse and emit throughput over Synthea bundles and the official examples, beside
          Foundation's JSONSerialization on the same bytes; --peers also runs
          Benchmarks/peers/json_peers.py (fhirkit-rs, fhir.resources) and prints the ratios.
          Ends with the peak memory of parsing the largest file.
      xml [--corpus DIR] [--repeat N] [--peers] [--compact]
          The corpus (JSON) written as FHIR XML by our writer (pretty unless --compact), then
          read by our reader beside a raw libxml2 SAX2 pass over the same bytes (the ceiling),
          and written again; --peers runs Benchmarks/peers/xml_peers.py on the same files.
      validate [--corpus DIR] [--repeat N] [--peers]
          Our validator over the Synthea bundles, alone (trees parsed beforehand) and from bytes
          (parse+validate), with the errors and warnings found; --peers runs
          Benchmarks/peers/validate_peers.py (fhirkit-rs, fhir.resources), whose figures include
          parsing, and prints the ratios.
      import [--corpus DIR] [--ndjson-corpus DIR] [--ndjson-megabytes N]
          The whole import, durable, over the Synthea bundles in a fresh data folder, beside the
          strict parse alone of the same bytes; then an NDJSON file of N MB (default 1024)
          generated from Synthea's NDJSON sample, imported in a child process whose peak
          resident memory is printed.
      http [--concurrency 16] [--requests 3000] [--corpus DIR] [--only raw|memory|durable]
          Referral transaction Bundles POSTed over loopback keep-alive connections to the gateway
          as serve runs it (durable SQLite, token, audit), with p50/p99 latency; beside it the
          bare HTTPServer with a fixed reply and the gateway on an in-memory store.
      cluster [--postgres URL] [--requests 1500] [--concurrency 12] [--messages 6000]
          Real fhir-gateway processes (built beside this one): ingest (the http suite's
          transactions, bundles/s) and delivery (queued messages to a loopback receiver,
          messages/s) with one and three processes on PostgreSQL, beside one on SQLite; each case
          in a database of its own, made with psql (URL: --postgres or IOP_BENCH_POSTGRES_URL).
      index [--corpus DIR] [--repeat N]
          The search indexer (every R4 SearchParameter's FHIRPath) over the Synthea bundles' entry
          resources: parse only, index only and parse+index, in µs per resource.
      deliver [--messages N] [--backlog N] [--participants N] [--workers N]
          Outbound delivery to a loopback receiver with durable bookkeeping (SQLite file):
          messages/s with 1 and N workers, then the time to drain a backlog (default 10,000)
          built up while the receiver was down, from the moment it is back.
      search [--store PATH] [--target N] [--reindex-target N] [--repeat N] [--analyze] [--only index,grow,query,reindex]
          Index cost per resource beside the strict parse; a durable store grown to N (default
          1,000,000) from Synthea copies, kept at PATH; ten typical queries (p50/p99); re-index rate.
      soak [--minutes N | --seconds N] [--warm-up S] [--corpus DIR] [--only ingest,search,import,deliver]
          The gateway as serve runs it under mixed load (ingest, search, import every 10 s,
          delivery to a receiver that refuses every 7th request), sampling resident memory and
          open descriptors every 10 s; exit 1 on any error, on memory growth over 10% after the
          warm-up, or on descriptor growth.
      json-peak FILE
          (internal) Parse FILE once in a fresh process and print the peak memory it took.
    """

switch arguments.first {
case "json":
    JSONBenchmark.run(Array(arguments.dropFirst()))
case "xml":
    XMLBenchmark.run(Array(arguments.dropFirst()))
case "validate":
    ValidateBenchmark.run(Array(arguments.dropFirst()))
case "import":
    ImportBenchmark.run(Array(arguments.dropFirst()))
case "soak":
    SoakBenchmark.run(Array(arguments.dropFirst()))
case "index":
    IndexBenchmark.run(Array(arguments.dropFirst()))
case "deliver":
    DeliverBenchmark.run(Array(arguments.dropFirst()))
case "import-child":
    ImportBenchmark.child(Array(arguments.dropFirst()))
case "http":
    HTTPBenchmark.run(Array(arguments.dropFirst()))
case "cluster":
    ClusterBenchmark.run(Array(arguments.dropFirst()))
case "search": SearchBenchmark.run(Array(arguments.dropFirst()))
case "json-peak":
    guard arguments.count == 2 else { print(usage); exit(2) }
    PeakMemory.measureParse(of: arguments[1])
case "json-loop":
    // (internal) `json-loop parse|emit FILE N`: a steady loop for profilers (callgrind, perf).
    guard arguments.count == 4, let count = Int(arguments[3]),
          let data = FileManager.default.contents(atPath: arguments[2]) else { print(usage); exit(2) }
    ProfileLoop.run(arguments[1], bytes: Array(data), count: count)
default:
    print(usage)
    exit(arguments.isEmpty ? 2 : 0)
}
