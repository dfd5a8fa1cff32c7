/// A Swift type that can hold one OVSDB column's datum, decoded straight
/// from the wire and updated with update2's diffs.
///
/// - Atoms (`String`, `Int`, `Bool`, `Double`, `OVSDBUUID`): a column with
///   exactly one value; a diff is the new value.
/// - `Optional`: min 0, max 1; a diff is the new value.
/// - `Set`: max > 1; a diff is the symmetric difference.
/// - `Dictionary`: a map; a diff's pair removes a key holding that value,
///   replaces another value, or adds an absent key.
public protocol OVSDBColumnValue: Sendable, Equatable {
    static func decodeDatum(_ reader: inout JSONReader) throws(JSONError) -> Self
    mutating func applyDiff(_ diff: Self)
    /// The datum to send in a transact operation.
    var datumJSON: JSONValue { get }
}

/// A single atom: what an element of a set or map can be.
public protocol OVSDBAtom: OVSDBColumnValue, Hashable {
    static func decodeAtom(_ reader: inout JSONReader) throws(JSONError) -> Self
    var atomJSON: JSONValue { get }
}

extension OVSDBAtom {
    /// A column of exactly one atom may still arrive as a one-element set.
    public static func decodeDatum(_ reader: inout JSONReader) throws(JSONError) -> Self {
        if try reader.peekKind() != .array { return try decodeAtom(&reader) }
        if try isUUIDArray(&reader) { return try decodeAtom(&reader) }
        var values: [Self] = []
        try decodeSetElements(&reader) { (reader) throws(JSONError) in values.append(try decodeAtom(&reader)) }
        guard values.count == 1 else { throw reader.error("expected exactly one value, got \(values.count)") }
        return values[0]
    }

    /// An atom column's diff is its new value.
    public mutating func applyDiff(_ diff: Self) { self = diff }
    /// The atom itself: a column of exactly one value is sent as that value.
    public var datumJSON: JSONValue { atomJSON }

    static func isUUIDArray(_ reader: inout JSONReader) throws(JSONError) -> Bool {
        var probe = reader
        guard try probe.beginArray() else { return false }
        if try probe.readStringIfEqual("uuid") { return true }
        return try probe.readStringIfEqual("named-uuid")
    }
}

/// `["set", [a, b]]` or a bare atom standing for a one-element set.
func decodeSetElements(_ reader: inout JSONReader, _ element: (inout JSONReader) throws(JSONError) -> Void) throws(JSONError) {
    if try reader.peekKind() == .array {
        var probe = reader
        _ = try probe.beginArray()
        if try probe.readStringIfEqual("set") {
            reader = probe
            guard try reader.nextElement() else { throw reader.error("\"set\" without elements") }
            try reader.readArray(element)
            guard try !reader.nextElement() else { throw reader.error("extra members after a set") }
            return
        }
    }
    try element(&reader)
}

extension String: OVSDBAtom {
    /// A JSON string.
    public static func decodeAtom(_ reader: inout JSONReader) throws(JSONError) -> String { try reader.readString() }
    /// The string as a JSON string.
    public var atomJSON: JSONValue { .string(self) }
}

extension Int: OVSDBAtom {
    /// A JSON integer.
    public static func decodeAtom(_ reader: inout JSONReader) throws(JSONError) -> Int { try reader.readInteger() }
    /// The integer as a JSON number.
    public var atomJSON: JSONValue { .integer(self) }
}

extension Bool: OVSDBAtom {
    /// `true` or `false`.
    public static func decodeAtom(_ reader: inout JSONReader) throws(JSONError) -> Bool { try reader.readBool() }
    /// The boolean as JSON `true` or `false`.
    public var atomJSON: JSONValue { .bool(self) }
}

extension Double: OVSDBAtom {
    /// A JSON number.
    public static func decodeAtom(_ reader: inout JSONReader) throws(JSONError) -> Double { try reader.readDouble() }
    /// The number as JSON; a non-finite one is sent as 0.
    public var atomJSON: JSONValue { .double(self) }
}

extension OVSDBUUID: OVSDBAtom {
    /// `["uuid", "…"]`. (`named-uuid` appears only in requests.)
    public static func decodeAtom(_ reader: inout JSONReader) throws(JSONError) -> OVSDBUUID {
        guard try reader.beginArray(), try reader.readStringIfEqual("uuid"), try reader.nextElement() else {
            throw reader.error("expected [\"uuid\", …]")
        }
        let text = try reader.readRawString()
        guard let uuid = OVSDBUUID.parse(text) else { throw reader.error("malformed UUID") }
        guard try !reader.nextElement() else { throw reader.error("extra members after a UUID") }
        return uuid
    }
    /// `["uuid", "…"]`.
    public var atomJSON: JSONValue { json }
}

extension Optional: OVSDBColumnValue where Wrapped: OVSDBAtom {
    /// An optional column: a bare atom, or a set of zero or one element
    /// (`["set", []]` is nil).
    public static func decodeDatum(_ reader: inout JSONReader) throws(JSONError) -> Wrapped? {
        var values: [Wrapped] = []
        try decodeSetElements(&reader) { (reader) throws(JSONError) in values.append(try Wrapped.decodeAtom(&reader)) }
        guard values.count <= 1 else { throw reader.error("expected at most one value, got \(values.count)") }
        return values.first
    }
    /// An optional column's diff is its new value.
    public mutating func applyDiff(_ diff: Wrapped?) { self = diff }
    /// The atom, or the empty set `["set", []]` for nil.
    public var datumJSON: JSONValue {
        if let value = self { return value.atomJSON }
        return ["set", []]
    }
}

extension Set: OVSDBColumnValue where Element: OVSDBAtom {
    /// A set column: `["set", […]]`, or a bare atom for a set of one.
    public static func decodeDatum(_ reader: inout JSONReader) throws(JSONError) -> Set<Element> {
        var values = Set<Element>()
        try decodeSetElements(&reader) { (reader) throws(JSONError) in values.insert(try Element.decodeAtom(&reader)) }
        return values
    }
    /// A set column's diff lists the elements that changed membership: each is
    /// added if absent and removed if present (the symmetric difference).
    public mutating func applyDiff(_ diff: Set<Element>) { formSymmetricDifference(diff) }
    /// `["set", […]]`, elements sorted by their JSON text so the same set
    /// always reads the same.
    public var datumJSON: JSONValue { ["set", .array(sorted { $0.atomJSON.text < $1.atomJSON.text }.map(\.atomJSON))] }
}

extension Dictionary: OVSDBColumnValue where Key: OVSDBAtom, Value: OVSDBAtom {
    /// `["map", [[k, v], …]]`.
    public static func decodeDatum(_ reader: inout JSONReader) throws(JSONError) -> [Key: Value] {
        guard try reader.beginArray(), try reader.readStringIfEqual("map"), try reader.nextElement() else {
            throw reader.error("expected [\"map\", …]")
        }
        var map: [Key: Value] = [:]
        try reader.readArray { (reader) throws(JSONError) in
            guard try reader.beginArray() else { throw reader.error("empty map pair") }
            let key = try Key.decodeAtom(&reader)
            guard try reader.nextElement() else { throw reader.error("map pair without a value") }
            map[key] = try Value.decodeAtom(&reader)
            guard try !reader.nextElement() else { throw reader.error("map pair with more than two members") }
        }
        guard try !reader.nextElement() else { throw reader.error("extra members after a map") }
        return map
    }

    /// A map column's diff: a pair whose value is the current one removes the
    /// key; any other pair adds or replaces it.
    public mutating func applyDiff(_ diff: [Key: Value]) {
        for (key, value) in diff {
            if self[key] == value { self[key] = nil } else { self[key] = value }
        }
    }

    /// `["map", [[k, v], …]]`, pairs sorted by their key's JSON text.
    public var datumJSON: JSONValue {
        let pairs = sorted { $0.key.atomJSON.text < $1.key.atomJSON.text }.map { JSONValue.array([$0.key.atomJSON, $0.value.atomJSON]) }
        return ["map", .array(pairs)]
    }
}
