/// The twenty R4 primitive types. Their names, JSON forms and regexes come from the catalogue;
/// this enum gives the code a closed set to switch over (formats: `PrimitiveKind+Format.swift`).
public enum PrimitiveKind: String, Sendable, Hashable, CaseIterable {
    case base64Binary, boolean, canonical, code, date, dateTime, decimal, id, instant, integer
    case markdown, oid, positiveInt, string, time, unsignedInt, uri, url, uuid, xhtml

}
