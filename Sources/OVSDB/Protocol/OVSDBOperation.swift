/// Builders for RFC 7047 transact operations, as the JSON they are sent as.
public enum OVSDBOperation {
    /// A row reference: an existing row, or one inserted earlier in the same
    /// transaction under a `uuid-name`.
    public enum RowReference: Sendable {
        case uuid(OVSDBUUID)
        case named(String)

        public var json: JSONValue {
            switch self {
            case .uuid(let uuid): uuid.json
            case .named(let name): ["named-uuid", .string(name)]
            }
        }
    }

    /// `[column, function, value]`.
    public static func condition(_ column: String, _ function: String, _ value: JSONValue) -> JSONValue {
        [.string(column), .string(function), value]
    }

    public static func whereUUID(_ uuid: OVSDBUUID) -> [JSONValue] {
        [condition("_uuid", "==", uuid.json)]
    }

    public static func insert(_ table: String, _ row: [(String, JSONValue)], uuidName: String? = nil) -> JSONValue {
        var operation: [(String, JSONValue)] = [("op", "insert"), ("table", .string(table)), ("row", .object(row))]
        if let uuidName { operation.append(("uuid-name", .string(uuidName))) }
        return .object(operation)
    }

    public static func update(_ table: String, where conditions: [JSONValue], _ row: [(String, JSONValue)]) -> JSONValue {
        .object([("op", "update"), ("table", .string(table)), ("where", .array(conditions)), ("row", .object(row))])
    }

    /// `mutations` are `[column, mutator, value]`, e.g. `["ports", "insert", ["set", […]]]`.
    public static func mutate(_ table: String, where conditions: [JSONValue], _ mutations: [JSONValue]) -> JSONValue {
        .object([("op", "mutate"), ("table", .string(table)), ("where", .array(conditions)), ("mutations", .array(mutations))])
    }

    public static func delete(_ table: String, where conditions: [JSONValue]) -> JSONValue {
        .object([("op", "delete"), ("table", .string(table)), ("where", .array(conditions))])
    }

    public static func comment(_ text: String) -> JSONValue {
        .object([("op", "comment"), ("comment", .string(text))])
    }

    /// A set datum of row references.
    public static func set(_ references: [RowReference]) -> JSONValue {
        ["set", .array(references.map(\.json))]
    }
}
