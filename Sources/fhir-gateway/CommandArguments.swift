/// The arguments of one subcommand, consumed front to back: what every command's option parser
/// uses, so flags read and fail the same way everywhere.
struct CommandArguments {
    private var remaining: ArraySlice<String>

    init(_ arguments: [String]) {
        remaining = arguments[...]
    }

    mutating func next() -> String? {
        remaining.popFirst()
    }

    /// The value after a flag (`--data DIR`).
    mutating func value(for flag: String) throws(UsageError) -> String {
        guard let next = remaining.popFirst() else { throw UsageError(description: "\(flag) needs a value") }
        return next
    }

    mutating func positiveInteger(for flag: String) throws(UsageError) -> Int {
        guard let number = Int(try value(for: flag)), number > 0 else {
            throw UsageError(description: "\(flag) takes a positive number")
        }
        return number
    }

    /// A command's single positional argument (a participant, a file): a flag nobody knows, or a
    /// second positional, is a usage error.
    static func takePositional(_ argument: String, into value: inout String) throws(UsageError) {
        guard !argument.hasPrefix("-"), value.isEmpty else { throw UsageError(description: "unexpected argument '\(argument)'") }
        value = argument
    }

    mutating func nonNegativeInteger(for flag: String) throws(UsageError) -> Int {
        guard let number = Int(try value(for: flag)), number >= 0 else {
            throw UsageError(description: "\(flag) takes a number, 0 or more")
        }
        return number
    }

    /// Parses with `parse`, or prints the usage problem as `fhir-gateway <command>: …` and gives nil
    /// (the caller exits 2).
    static func parse<Options>(
        _ arguments: [String], command: String, _ parse: (inout CommandArguments) throws(UsageError) -> Options
    ) -> Options? {
        var list = CommandArguments(arguments)
        do {
            return try parse(&list)
        } catch {
            printError("fhir-gateway \(command): \(error)")
            return nil
        }
    }
}

struct UsageError: Error, CustomStringConvertible {
    let description: String
}
