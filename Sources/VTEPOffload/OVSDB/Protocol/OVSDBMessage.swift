/// One JSON-RPC message as received: its bytes, plus where its members lie.
/// Only the envelope is read up front; `params`, `result` and `error` are
/// decoded later by whoever knows what they hold.
public struct OVSDBMessage: Sendable {
    public let bytes: [UInt8]
    public private(set) var id: ID = .none
    public private(set) var method: String?
    public private(set) var params: Range<Int>?
    public private(set) var result: Range<Int>?
    /// A non-null `error` member.
    public private(set) var error: Range<Int>?

    public enum ID: Hashable, Sendable {
        case none
        case number(Int)
        case string(String)

        var json: JSONValue {
            switch self {
            case .none: .null
            case .number(let value): .integer(value)
            case .string(let value): .string(value)
            }
        }
    }

    public enum Kind: Sendable { case request, notification, reply }

    public var kind: Kind {
        if method != nil { return id == .none ? .notification : .request }
        return .reply
    }

    public init(bytes: [UInt8]) throws(JSONError) {
        self.bytes = bytes
        var id = ID.none, method: String?, params: Range<Int>?, result: Range<Int>?, error: Range<Int>?
        try bytes.withJSONReader { (reader) throws(JSONError) in
            try reader.readObject { (reader, name) throws(JSONError) in
                switch name {
                case "id":
                    switch try reader.peekKind() {
                    case .null: try reader.readNull()
                    case .number: id = .number(try reader.readInteger())
                    case .string: id = .string(try reader.readString())
                    default: throw reader.error("a JSON-RPC id must be a number, a string or null")
                    }
                case "method": method = try reader.readString()
                case "params": params = try reader.skipValueRange()
                case "result": result = try reader.skipValueRange()
                case "error":
                    if try !reader.readNullIfPresent() { error = try reader.skipValueRange() }
                default: try reader.skipValue()
                }
            }
            try reader.expectEnd()
        }
        self.id = id
        self.method = method
        self.params = params
        self.result = result
        self.error = error
        if method == nil && result == nil && error == nil {
            throw JSONError(offset: 0, reason: "a JSON-RPC message needs a method, a result or an error")
        }
    }

    /// Decodes one member with a reader confined to its bytes.
    public func read<T>(_ range: Range<Int>, _ body: (inout JSONReader) throws(JSONError) -> T) throws(JSONError) -> T {
        try bytes.withJSONReader(range: range) { (reader) throws(JSONError) -> T in
            let value = try body(&reader)
            try reader.expectEnd()
            return value
        }
    }

    /// The error member's text, as OVSDB's `{"error": "…", "details": "…"}`
    /// or whatever else the server sent.
    public var errorDescription: String? {
        guard let error else { return nil }
        return (try? read(error) { (reader) throws(JSONError) in try OVSDBMessage.describeError(&reader) })
            ?? String(decoding: bytes[error], as: UTF8.self)
    }

    static func describeError(_ reader: inout JSONReader) throws(JSONError) -> String {
        if try reader.peekKind() == .string { return try reader.readString() }
        var kind = "", details = ""
        try reader.readObject { (reader, name) throws(JSONError) in
            switch name {
            case "error": kind = try reader.readString()
            case "details": details = try reader.readString()
            default: try reader.skipValue()
            }
        }
        return details.isEmpty ? kind : "\(kind): \(details)"
    }
}
