/// Recursive-descent parser for the FHIRPath N1 grammar, binary operators by precedence climbing.
struct Parser {
    private let bytes: [UInt8]
    private let tokens: [Token]
    private var position = 0

    private static let calendarKeywords: Set<String> = [
        "year", "years", "month", "months", "week", "weeks", "day", "days", "hour", "hours", "minute", "minutes",
        "second", "seconds", "millisecond", "milliseconds",
    ]
    private static let reserved: Set<String> = ["and", "or", "xor", "implies", "div", "mod"]

    init(_ text: String) throws(FHIRPathSyntaxError) {
        bytes = Array(text.utf8)
        tokens = try Lexer.tokens(of: bytes)
    }

    mutating func parse() throws(FHIRPathSyntaxError) -> Expression {
        let expression = try parseBinary(minimumPrecedence: 1)
        guard current.kind == .end else { throw error("unexpected token after the expression") }
        return expression
    }

    private var current: Token { tokens[position] }
    private var nextToken: Token { tokens[min(position + 1, tokens.count - 1)] }

    private func error(_ message: String, at token: Token? = nil) -> FHIRPathSyntaxError {
        FHIRPathSyntaxError(message, offset: (token ?? current).offset, in: bytes)
    }

    private mutating func expect(_ symbol: String) throws(FHIRPathSyntaxError) {
        guard current.isSymbol(symbol) else { throw error("expected '\(symbol)'") }
        position += 1
    }

    private func binaryOperator(_ token: Token) -> BinaryOperator? {
        switch token.kind {
        case .symbol(let symbol): BinaryOperator(rawValue: symbol)
        case .identifier(let word) where word != "is" && word != "as": BinaryOperator(rawValue: word)
        default: nil
        }
    }

    private mutating func parseBinary(minimumPrecedence: Int) throws(FHIRPathSyntaxError) -> Expression {
        var left = try parseUnary()
        while true {
            if (current.isKeyword("is") || current.isKeyword("as")) && minimumPrecedence <= 8 {
                let isTest = current.isKeyword("is")
                position += 1
                let type = try parseTypeSpecifier()
                left = isTest ? .typeTest(left, type) : .typeCast(left, type)
                continue
            }
            guard let op = binaryOperator(current), op.precedence >= minimumPrecedence else { return left }
            position += 1
            // `implies` is right-associative; everything else is left-associative.
            let right = try parseBinary(minimumPrecedence: op == .implies ? op.precedence : op.precedence + 1)
            left = .binary(op, left, right)
        }
    }

    private mutating func parseUnary() throws(FHIRPathSyntaxError) -> Expression {
        if current.isSymbol("-") || current.isSymbol("+") {
            let negative = current.isSymbol("-")
            position += 1
            let operand = try parseUnary()
            return negative ? .negate(operand) : operand
        }
        return try parsePostfix()
    }

    private mutating func parsePostfix() throws(FHIRPathSyntaxError) -> Expression {
        var expression = try parseTerm()
        while true {
            if current.isSymbol(".") {
                position += 1
                let nameToken = current
                guard let name = identifierName(current) else { throw error("expected a name after '.'") }
                position += 1
                if current.isSymbol("(") {
                    let call = try parseCall(name, at: nameToken)
                    if call.function == .count, case .call(let base, let inner) = expression, inner.function == .children {
                        expression = .childCount(base)
                        continue
                    }
                    expression = .call(expression, call)
                } else {
                    expression = .member(expression, name)
                }
            } else if current.isSymbol("[") {
                position += 1
                let index = try parseBinary(minimumPrecedence: 1)
                try expect("]")
                expression = .indexer(expression, index)
            } else {
                return expression
            }
        }
    }

    private func identifierName(_ token: Token) -> String? {
        switch token.kind {
        case .identifier(let name), .delimitedIdentifier(let name): name
        default: nil
        }
    }

    private mutating func parseTerm() throws(FHIRPathSyntaxError) -> Expression {
        let token = current
        switch token.kind {
        case .end:
            throw error("unexpected end of expression")
        case .symbol("("):
            position += 1
            let inner = try parseBinary(minimumPrecedence: 1)
            try expect(")")
            return inner
        case .symbol("{"):
            position += 1
            try expect("}")
            return .emptyCollection
        case .symbol:
            throw error("unexpected symbol")
        case .string(let text):
            position += 1
            return .literal(.string(text))
        case .number(let lexeme):
            position += 1
            return try numberOrQuantity(lexeme, at: token)
        case .dateTime(let text):
            position += 1
            guard let value = FHIRPathDateTime(parsing: text) else { throw error("malformed date/time literal", at: token) }
            return .literal(.temporal(value))
        case .externalConstant(let name):
            position += 1
            return .constant(name)
        case .special(let name):
            position += 1
            return name == "this" ? .this : (name == "index" ? .index : .total)
        case .identifier(let name):
            position += 1
            if current.isSymbol("(") { return .call(nil, try parseCall(name, at: token)) }
            if name == "true" || name == "false" { return .literal(.boolean(name == "true")) }
            if Self.reserved.contains(name) { throw error("unexpected keyword", at: token) }
            return .identifier(name)
        case .delimitedIdentifier(let name):
            position += 1
            if current.isSymbol("(") { return .call(nil, try parseCall(name, at: token)) }
            return .identifier(name)
        }
    }

    private mutating func numberOrQuantity(_ lexeme: String, at token: Token) throws(FHIRPathSyntaxError) -> Expression {
        let isDecimal = lexeme.contains(".")
        var unit: String?
        if case .string(let text) = current.kind {
            unit = text
        } else if case .identifier(let word) = current.kind, Self.calendarKeywords.contains(word) {
            unit = word
        }
        guard let decimal = FHIRPathDecimal(lexeme: lexeme) else { throw error("malformed number", at: token) }
        if let unit {
            position += 1
            return .literal(.quantity(FHIRPathQuantity(value: decimal, unit: unit)))
        }
        if isDecimal { return .literal(.decimal(decimal)) }
        guard let integer = Int(lexeme) else { throw error("integer literal out of range", at: token) }
        return .literal(.integer(integer))
    }

    private mutating func parseTypeSpecifier() throws(FHIRPathSyntaxError) -> TypeSpecifier {
        guard let first = identifierName(current) else { throw error("expected a type name") }
        position += 1
        if current.isSymbol("."), let second = identifierName(nextToken) {
            position += 2
            return TypeSpecifier(namespace: first, name: second)
        }
        return TypeSpecifier(namespace: nil, name: first)
    }

    private mutating func parseCall(_ name: String, at token: Token) throws(FHIRPathSyntaxError) -> FunctionCall {
        guard let function = FHIRPathFunction(rawValue: name) else { throw error("unknown function", at: token) }
        try expect("(")
        var arguments: [Expression] = []
        var type: TypeSpecifier?
        if !current.isSymbol(")") {
            if function.takesType {
                type = try parseTypeSpecifier()
            } else {
                arguments.append(try parseBinary(minimumPrecedence: 1))
                while current.isSymbol(",") {
                    position += 1
                    arguments.append(try parseBinary(minimumPrecedence: 1))
                }
            }
        }
        try expect(")")
        let count = type == nil ? arguments.count : 1
        guard function.arity.contains(count) else { throw error("wrong number of arguments", at: token) }
        var regex: CompiledRegex?
        if [.matches, .matchesFull, .replaceMatches].contains(function), case .literal(.string(let pattern)) = arguments[0], !pattern.isEmpty {
            regex = CompiledRegex.compile(function == .matchesFull ? "^(?:\(pattern))$" : pattern)
            if regex == nil { throw error("invalid regular expression", at: token) }
        }
        return FunctionCall(function: function, arguments: arguments, type: type, regex: regex)
    }
}
