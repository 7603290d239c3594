/// `--data DIR` and `--store URL`, which every command that opens the store takes, and the
/// `StoreLocation` they name.
struct StoreFlags {
    var data = "var"
    var store: String?

    /// Takes `argument` (and its value) when it is one of the two flags; `false` when it is not.
    mutating func take(_ argument: String, from arguments: inout CommandArguments) throws(UsageError) -> Bool {
        switch argument {
        case "--data": data = try arguments.value(for: argument)
        case "--store": store = try arguments.value(for: argument)
        default: return false
        }
        return true
    }

    func location() throws(UsageError) -> StoreLocation {
        try StoreLocation(store: store, data: data)
    }
}
