/// Builders for RFC 7047 transact operations, as the JSON they are sent as.
public enum OVSDBOperation {
    /// A row reference: an existing row, or one inserted earlier in the same
    /// transaction under a `uuid-name`.
    public enum RowReference: Sendable {
        case uuid(OVSDBUUID)
        case named(String)

        /// The reference as transact JSON: `["uuid", "…"]` or `["named-uuid", "…"]`.
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

    /// The `where` clause that selects one row by UUID: `[["_uuid", "==", ["uuid", "…"]]]`.
    public static func whereUUID(_ uuid: OVSDBUUID) -> [JSONValue] {
        [condition("_uuid", "==", uuid.json)]
    }

    /// An `insert` operation.
    /// - Parameters:
    ///   - table: the table to insert into.
    ///   - row: the columns to set, each with its datum; the others take their
    ///     schema defaults.
    ///   - uuidName: a name later operations of the same transaction can refer
    ///     to the new row by (`RowReference.named`).
    /// - Returns: the operation's JSON object.
    public static func insert(_ table: String, _ row: [(String, JSONValue)], uuidName: String? = nil) -> JSONValue {
        var operation: [(String, JSONValue)] = [("op", "insert"), ("table", .string(table)), ("row", .object(row))]
        if let uuidName { operation.append(("uuid-name", .string(uuidName))) }
        return .object(operation)
    }

    /// An `update` operation: sets the columns in `row` of every row that
    /// matches `conditions`.
    public static func update(_ table: String, where conditions: [JSONValue], _ row: [(String, JSONValue)]) -> JSONValue {
        .object([("op", "update"), ("table", .string(table)), ("where", .array(conditions)), ("row", .object(row))])
    }

    /// `mutations` are `[column, mutator, value]`, e.g. `["ports", "insert", ["set", […]]]`.
    public static func mutate(_ table: String, where conditions: [JSONValue], _ mutations: [JSONValue]) -> JSONValue {
        .object([("op", "mutate"), ("table", .string(table)), ("where", .array(conditions)), ("mutations", .array(mutations))])
    }

    /// A `delete` operation: deletes every row that matches `conditions`.
    public static func delete(_ table: String, where conditions: [JSONValue]) -> JSONValue {
        .object([("op", "delete"), ("table", .string(table)), ("where", .array(conditions))])
    }

    /// A `comment` operation: ovsdb-server records `text` with the
    /// transaction in the database file, so `ovsdb-tool show-log` says who
    /// made a change and why.
    public static func comment(_ text: String) -> JSONValue {
        .object([("op", "comment"), ("comment", .string(text))])
    }

    /// A set datum of row references.
    public static func set(_ references: [RowReference]) -> JSONValue {
        ["set", .array(references.map(\.json))]
    }
}
