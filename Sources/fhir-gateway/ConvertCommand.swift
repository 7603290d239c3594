import FHIRCore
import FHIRJSON
import Foundation

/// `fhir-gateway convert`: reads a resource, checks it against the catalogue, writes it again.
enum ConvertCommand {
    struct Options {
        var input: String?
        var format = "json"
        var pretty = false
        var mode = ReadMode.strict
        var output: String?
        var outcome: String?
    }

    static func run(_ arguments: [String]) -> Int32 {
        let options: Options
        do {
            options = try parse(arguments)
        } catch {
            printError("fhir-gateway convert: \(error)")
            return 2
        }
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

        let result: ReadResult
        switch InputFormat.detect(bytes) {
        case .json:
            result = FHIRJSONReader(mode: options.mode).read(bytes)
        case .xml:
            result = ReadResult(resource: nil, issues: [
                Issue(.fatal, .notSupported, "FHIR XML input is not supported yet: only JSON can be read"),
            ])
        case .unknown:
            result = ReadResult(resource: nil, issues: [
                Issue(.fatal, .structure, "the input is neither FHIR JSON nor FHIR XML"),
            ])
        }

        for issue in result.issues { printError(issue.description) }
        if let outcomePath = options.outcome {
            let outcome = FHIRJSONWriter(pretty: true).write(result.issues.operationOutcome())
            if !write(outcome, to: outcomePath) { return 1 }
        }
        guard let resource = result.resource else { return 1 }
        let output = FHIRJSONWriter(pretty: options.pretty).write(resource)
        if let path = options.output {
            return write(output, to: path) ? 0 : 1
        }
        FileHandle.standardOutput.write(Data(output))
        if !options.pretty { FileHandle.standardOutput.write(Data("\n".utf8)) }
        return 0
    }

    struct UsageError: Error, CustomStringConvertible {
        let description: String
    }

    static func parse(_ arguments: [String]) throws -> Options {
        var options = Options()
        var remaining = arguments[...]
        func value(for flag: String) throws -> String {
            guard let next = remaining.popFirst() else { throw UsageError(description: "\(flag) needs a value") }
            return next
        }
        while let argument = remaining.popFirst() {
            switch argument {
            case "--to":
                options.format = try value(for: argument)
                guard options.format == "json" else {
                    throw UsageError(description: "--to takes json (XML output is not supported yet)")
                }
            case "--pretty": options.pretty = true
            case "--lenient": options.mode = .lenient
            case "-o", "--output": options.output = try value(for: argument)
            case "--outcome": options.outcome = try value(for: argument)
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
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
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
