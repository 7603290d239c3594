import Foundation

/// `fhir-gateway <command> ...`: the gateway's command-line entry point.

// Everything the gateway writes on the host (the store, reports, quarantined inputs, converted
// files, SQLite's temporary files) may hold patient data: readable by the owner only, whatever
// umask the shell had. The store's own files are created 0600 explicitly too (PrivateFile).
umask(0o077)

let arguments = Array(CommandLine.arguments.dropFirst())
let usage = """
    usage: fhir-gateway <command> [options]

    commands (each that opens the store takes --store postgres://user@host:port/db instead of --data,
    for several gateway processes on one PostgreSQL database; the password is never printed):
      serve [--port 8080] [--host 127.0.0.1] [--data DIR] [--profiles DIR] [--base-url URL] [--grace SECONDS]
            [--config FILE]
          Serve the FHIR R4 REST API at /fhir on the store in --data (default ./var), for every
          R4 resource type: transaction and batch Bundles, create (If-None-Exist), update
          (If-Match, conditional), patch (JSON Patch), delete (and conditional), read, vread,
          history, search on every R4 search parameter, $validate, metadata; JSON and XML;
          /healthz, /readyz, /metrics.
          Clients present bearer tokens with SMART system scopes, listed in --config; without
          it, the first start prints one local token (only its SHA-256 is kept in
          <data>/clients.json). Prints the listening address; SIGTERM or Ctrl-C drains
          requests in progress (--grace, default 20 s) and exits 0.
      reindex [--data DIR] [--batch N]
          Finish the re-indexing an upgrade left (every R4 search parameter is indexed from
          store version 3 on), printing progress; serve does it in the background, answering
          searches on parameters not yet indexed with 503. Resumes where it stopped.
      convert <file|-> [--to json|xml] [--pretty] [--lenient] [-o FILE] [--outcome FILE]
          Read a FHIR resource (any R4 type) in JSON or XML and write it in the other format
          (or the one --to names). On failure exit 1 and print the issues to stderr;
          --outcome also writes them as an OperationOutcome.
      validate <file…> [--profile URL]… [--profiles DIR] [--json] [--lenient]
          Validate each file (JSON or XML) against base R4 (structure, cardinality, formats,
          bindings, references, narrative, invariants, Bundle rules) and the IOP's profiles
          (those --profile names for each file's root resource, and any a resource claims in
          meta.profile; loaded from --profiles, $IOP_GATEWAY_PROFILES or ./Profiles). Prints each
          finding with its FHIRPath, line and column; --json prints an OperationOutcome (a
          Bundle of them for several files). Exit 0 when no file has an error, 1 otherwise.
      import <path…> [--data DIR] [--jobs N] [--dry-run] [--report FILE] [--quarantine DIR] [--identity-policy FILE]
          Import referral files: folders (recursive) of Bundles and single resources in JSON
          or XML, and NDJSON (streamed). Each Bundle is validated, mapped to the IOP's domain
          and stored all or nothing in --data (default ./var). A file already imported (same
          content) is skipped; a run stopped at any point resumes. No file, line or record stops
          the run: each is imported, refused, or held for identity review when its participant
          may be someone on record (see identities). --report writes every refusal's and hold's
          OperationOutcome as JSON, whatever happens to the run; --quarantine copies refused
          files there beside their .outcome.json. --identity-policy (or $IOP_IDENTITY_POLICY)
          names the deployment's matching policy (JSON; README "Identity").
          Exit 0 when all was imported, 1 when something was refused, 3 when nothing was
          refused but something is held for review, 4 when the run could not go on (the store
          failed; the report says how far it got), 130 when interrupted, 2 for usage.
      identities list|show|merge|keep-apart [ID] [--all] [--by NAME] [--data DIR] [--identity-policy FILE]
          Inputs held for identity review: list (waiting; --all for decided too), show ID (the
          two participants by id and the fields that disagree, never the values), merge ID
          (process the input as the stored participant), keep-apart ID (process it as another
          person; the pair is not held again). Decisions are audited (--by, default $USER).
          Exit 0, 1 when the input is unknown, decided, or held again by another conflict.
      deliver [--endpoint KEY=URL[,profile=rest|transaction|note|communication]]… [--receivers FILE]
            [--practices] [--data DIR] [--no-summaries] [--once] [--lease SECONDS]
          Deliver the outbox in --data to the endpoints named (one worker each; KEY is a
          practice's id), those of --receivers (a JSON file: each receiver's URL, profile,
          fallback and credentials, bearer, OAuth client credentials or SMART Backend Services,
          the secrets named by environment variable or file) and, with --practices, to every
          practice on record at its own endpoint,
          until SIGTERM or Ctrl-C; --once delivers what is due now and exits. Each send is
          checked against the participant's consents first (held, or cancelled when revoked);
          scheduled progress summaries are queued as they fall due (not with --no-summaries).
      summary <participant> [--data DIR | --store URL] [--from YYYY-MM-DD [--to YYYY-MM-DD]] [--format text|json|xml]
            [--every DAYS]
          Show the progress summary the participant's PCP would receive (default: the last whole
          period of the schedule), without sending it. <participant> is the gateway's id or an
          identifier as system|value. --every sets the schedule (default every 7 days).
      disclosures <participant> [--data DIR | --store URL]
          The participant's accounting of disclosures: what was sent to which practice, when,
          under which consent, and what was queued but withheld, and why.
      queue status|list|show|replay|cancel [--data DIR] [--endpoint KEY]
            [--status pending|in-flight|delivered|dead-letter] [--limit N] [ID]
          The outbox: status (depth, oldest open message, attempts, dead letters per endpoint),
          list (one line per message), show ID (metadata and last error, never the payload),
          replay ID | replay --endpoint KEY (dead letters back to pending), cancel ID (a pending
          message to the dead letters). Exit 0, 1 when the action does not apply, 2 for usage.
    """

guard let command = arguments.first else {
    FileHandle.standardError.write(Data((usage + "\n").utf8))
    exit(2)
}
switch command {
case "convert":
    exit(ConvertCommand.run(Array(arguments.dropFirst())))
case "validate":
    exit(ValidateCommand.run(Array(arguments.dropFirst())))
case "import":
    exit(await ImportCommand.run(Array(arguments.dropFirst())))
case "serve":
    exit(await ServeCommand.run(Array(arguments.dropFirst())))
case "reindex":
    exit(ReindexCommand.run(Array(arguments.dropFirst())))
case "deliver":
    exit(await DeliverCommand.run(Array(arguments.dropFirst())))
case "queue":
    exit(await QueueCommand.run(Array(arguments.dropFirst())))
case "identities":
    exit(IdentitiesCommand.run(Array(arguments.dropFirst())))
case "summary":
    exit(SummaryCommand.run(Array(arguments.dropFirst())))
case "disclosures":
    exit(DisclosuresCommand.run(Array(arguments.dropFirst())))
case "--help", "-h", "help":
    print(usage)
default:
    FileHandle.standardError.write(Data("fhir-gateway: unknown command '\(command)'\n\n\(usage)\n".utf8))
    exit(2)
}
