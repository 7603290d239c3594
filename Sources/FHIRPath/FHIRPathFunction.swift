/// Every function the engine knows, resolved from its name at parse time so evaluation
/// switches over an enum rather than comparing strings.
enum FHIRPathFunction: String, Sendable, CaseIterable {
    // Existence (N1 §5.1)
    case empty, exists, all, allTrue, anyTrue, allFalse, anyFalse, subsetOf, supersetOf, count, distinct, isDistinct
    // Filtering and projection (§5.2)
    case `where`, select, `repeat`, ofType
    // Subsetting (§5.3)
    case single, first, last, tail, skip, take, intersect, exclude
    // Combining (§5.4)
    case union, combine
    // Conversion (§5.5)
    case iif, toBoolean, convertsToBoolean, toInteger, convertsToInteger, toDecimal, convertsToDecimal
    case toString, convertsToString, toDate, convertsToDate, toDateTime, convertsToDateTime, toTime, convertsToTime
    case toQuantity, convertsToQuantity
    // String manipulation (§5.6) and the 2.0 additions
    case indexOf, substring, startsWith, endsWith, contains, upper, lower, replace, matches, matchesFull
    case replaceMatches, length, toChars, trim, split, join, encode, decode, escape, unescape
    // Math (§5.7)
    case abs, ceiling, exp, floor, ln, log, power, round, sqrt, truncate
    // Tree navigation (§5.8), utility (§5.9), aggregates (§7), types (§6.3, §10)
    case children, descendants, trace, now, today, timeOfDay, aggregate, `is`, `as`, type, not, sort
    case lowBoundary, highBoundary, precision, comparable
    // FHIR additions (R4 fhirpath.html §2.1.9.1)
    case `extension`, resolve, hasValue, getValue, htmlChecks, conformsTo, memberOf, subsumes, subsumedBy
    case elementDefinition, slice, checkModifiers, hasTemplateIdOf
    /// Not in the specification, but used by one R4 search parameter: `extension(url).exists()`.
    case hasExtension

    /// Allowed argument counts.
    var arity: ClosedRange<Int> {
        switch self {
        case .empty, .allTrue, .anyTrue, .allFalse, .anyFalse, .count, .distinct, .isDistinct, .single, .first, .last,
             .tail, .toBoolean, .convertsToBoolean, .toInteger, .convertsToInteger, .toDecimal, .convertsToDecimal,
             .toString, .convertsToString, .toDate, .convertsToDate, .toDateTime, .convertsToDateTime, .toTime,
             .convertsToTime, .upper, .lower, .length, .toChars, .trim, .abs, .ceiling, .exp, .floor, .ln, .sqrt,
             .truncate, .children, .descendants, .now, .today, .timeOfDay, .type, .not, .resolve, .hasValue,
             .getValue, .htmlChecks, .elementDefinition, .precision:
            0...0
        case .exists, .toQuantity, .convertsToQuantity, .round, .join, .lowBoundary, .highBoundary: 0...1
        case .substring, .trace, .aggregate: 1...2
        case .iif: 2...3
        case .replace, .replaceMatches, .slice: 2...2
        case .sort: 0...16
        case .checkModifiers: 0...16
        default: 1...1
        }
    }

    /// Functions whose arguments are evaluated per input item with `$this` bound.
    var takesLambda: Bool {
        switch self {
        case .where, .select, .all, .exists, .repeat, .aggregate, .sort: true
        default: false
        }
    }

    /// Functions whose answer depends on order, an error after `children()` in strict mode (N1 §3.1).
    var needsOrder: Bool { [.skip, .take, .first, .last, .tail].contains(self) }

    /// Functions that take a type specifier as their argument.
    var takesType: Bool { self == .is || self == .as || self == .ofType }
}
