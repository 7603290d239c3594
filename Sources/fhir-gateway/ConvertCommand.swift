import FHIRCore
import FHIRJSON
import FHIRXML
import Foundation
import GatewayStore

/// `fhir-gateway convert`: reads a resource in JSON or XML (detected), checks it against the
/// catalogue, and writes it in the other format, or in the one `--to` names. `--lenient` keeps
/// unknown elements and converts a document that misses a required element, with a warning
/// for each (`ReadMode.lenient`); what cannot be converted without loss is refused either way.
enum ConvertCommand {
    struct Options {
        var input: String?
        /// The output format; by default the other one than the input's, since that is what
        /// converting means (`--to` the same format re-writes it canonically).
        var format: String?
        var pretty = false
        var mode = ReadMode.strict
        var output: String?
        var outcome: String?
    }

    static func run(_ arguments: [String]) -> Int32 {
        guard let options = CommandArguments.parse(arguments, command: "convert", parse) else { return 2 }
        guard let input = options.input else {
            printError("fhir-gateway convert: name a file to read, or - for standard input")
            return 2
        }
        let bytes: [UInt8]
        do {
            bytes = input == "-"
                ? Array(FileHandle.standardInput.readDataToEndOfFile())
                : Array(try Data(contentsOf: URL(fileURLWithPath: input)))
        } catch {
            printError("fhir-gateway convert: cannot read \(input)")
            return 1
        }

        let inputFormat = InputFormat.detect(bytes)
        let result: ReadResult
        switch inputFormat {
        case .xml:
            result = FHIRXMLReader(mode: options.mode).read(bytes)
        case .json, .unknown:
            result = FHIRJSONReader(mode: options.mode).read(bytes)
        }

        for issue in result.issues { printError(issue.description) }
        if let outcomePath = options.outcome {
            let outcome = FHIRJSONWriter(pretty: true).write(result.issues.operationOutcome())
            if !write(outcome, to: outcomePath) { return 1 }
        }
        guard let resource = result.resource else { return 1 }
        let format = options.format ?? (inputFormat == .xml ? "json" : "xml")
        let output = format == "xml"
            ? FHIRXMLWriter(pretty: options.pretty).write(resource)
            : FHIRJSONWriter(pretty: options.pretty).write(resource)
        if let path = options.output {
            return write(output, to: path) ? 0 : 1
        }
        FileHandle.standardOutput.write(Data(output))
        if !options.pretty { FileHandle.standardOutput.write(Data("\n".utf8)) }
        return 0
    }

    static func parse(_ arguments: inout CommandArguments) throws(UsageError) -> Options {
        var options = Options()
        while let argument = arguments.next() {
            switch argument {
            case "--to":
                let format = try arguments.value(for: argument)
                guard format == "json" || format == "xml" else { throw UsageError(description: "--to takes json or xml") }
                options.format = format
            case "--pretty": options.pretty = true
            case "--lenient": options.mode = .lenient
            case "-o", "--output": options.output = try arguments.value(for: argument)
            case "--outcome": options.outcome = try arguments.value(for: argument)
            default:
                guard options.input == nil, argument == "-" || !argument.hasPrefix("-") else {
                    throw UsageError(description: "unexpected argument '\(argument)'")
                }
                options.input = argument
            }
        }
        return options
    }

    private static func write(_ bytes: [UInt8], to path: String) -> Bool {
        do {
            try PrivateFile.write(Data(bytes), to: path)
            return true
        } catch {
            printError("fhir-gateway convert: cannot write \(path)")
            return false
        }
    }
}

func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
