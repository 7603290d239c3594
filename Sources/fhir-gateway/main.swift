import Foundation

/// `fhir-gateway <command> ...`: the gateway's command-line entry point.
let arguments = Array(CommandLine.arguments.dropFirst())
let usage = """
    usage: fhir-gateway <command> [options]

    commands:
      convert <file|-> [--to json|xml] [--pretty] [--lenient] [-o FILE] [--outcome FILE]
          Read a FHIR resource (any R4 type) in JSON or XML and write it in the other format
          (or the one --to names). On failure exit 1 and print the issues to stderr;
          --outcome also writes them as an OperationOutcome.
    """

guard let command = arguments.first else {
    FileHandle.standardError.write(Data((usage + "\n").utf8))
    exit(2)
}
switch command {
case "convert":
    exit(ConvertCommand.run(Array(arguments.dropFirst())))
case "--help", "-h", "help":
    print(usage)
default:
    FileHandle.standardError.write(Data("fhir-gateway: unknown command '\(command)'\n\n\(usage)\n".utf8))
    exit(2)
}
