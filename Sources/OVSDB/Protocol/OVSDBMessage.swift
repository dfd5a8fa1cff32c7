import NIOCore

/// One JSON-RPC message as received: its bytes, plus where its members lie.
/// Only the envelope is read up front; `params`, `result` and `error` are
/// decoded later by whoever knows what they hold — straight from the
/// connection's buffer, never copied (a monitor reply can be 20 MB).
public struct OVSDBMessage: Sendable {
    /// The message's bytes; the ranges below are offsets into its readable bytes.
    public let buffer: ByteBuffer
    /// The JSON-RPC `id`: `.none` for a notification (`"id": null`).
    public private(set) var id: ID = .none
    /// The `method` of a request or notification (`update3`, `echo`…); nil for
    /// a reply.
    public private(set) var method: String?
    /// Where the `params` member's value lies, if there is one.
    public private(set) var params: Range<Int>?
    /// Where a reply's `result` member's value lies, if there is one.
    public private(set) var result: Range<Int>?
    /// A non-null `error` member.
    public private(set) var error: Range<Int>?

    /// A JSON-RPC `id`: null, a number, or a string.
    public enum ID: Hashable, Sendable {
        case none
        case number(Int)
        case string(String)

        /// The id as the JSON a reply carries.
        public var json: JSONValue {
            switch self {
            case .none: .null
            case .number(let value): .integer(value)
            case .string(let value): .string(value)
            }
        }
    }

    /// What a message is: a request (a method and an id), a notification (a
    /// method and a null id) or a reply (no method).
    public enum Kind: Sendable { case request, notification, reply }

    /// Whether the message is a request, a notification or a reply.
    public var kind: Kind {
        if method != nil { return id == .none ? .notification : .request }
        return .reply
    }

    /// Parses the envelope of the JSON-RPC message in `bytes`.
    /// - Throws: `JSONError` when the bytes are not one JSON-RPC message.
    public init(bytes: [UInt8]) throws(JSONError) {
        try self.init(buffer: ByteBuffer(bytes: bytes))
    }

    /// Parses the envelope of the JSON-RPC message in `buffer`; the members'
    /// values are only located, and read later with `read(_:_:)`.
    /// - Throws: `JSONError` when the bytes are not one JSON-RPC message.
    public init(buffer: ByteBuffer) throws(JSONError) {
        self.buffer = buffer
        if let (id, result) = Self.replyShape(buffer) {
            self.id = .number(id)
            self.result = result
            return
        }
        if let (method, params) = Self.notificationShape(buffer) {
            self.method = method
            self.params = params
            return
        }
        var id = ID.none, method: String?, params: Range<Int>?, result: Range<Int>?, error: Range<Int>?
        try buffer.withJSONReader { (reader) throws(JSONError) in
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

    /// ovsdb-server writes every successful reply as
    /// `{"id":N,"result":…,"error":null}`. Recognising that frame by its
    /// first and last bytes spares a pass over a large result just to find
    /// where it ends; anything else takes the general path.
    private static func replyShape(_ buffer: ByteBuffer) -> (Int, Range<Int>)? {
        buffer.withUnsafeReadableBytes { raw -> (Int, Range<Int>)? in
            let prefix = Array(#"{"id":"#.utf8), middle = Array(#","result":"#.utf8), suffix = Array(#","error":null}"#.utf8)
            let end = endIgnoringTrailingSpace(raw)
            guard end > prefix.count + middle.count + suffix.count,
                raw.starts(with: prefix), raw[(end - suffix.count)..<end].elementsEqual(suffix)
            else { return nil }
            var index = prefix.count
            var id = 0
            while index < end, raw[index] >= 0x30, raw[index] <= 0x39, index - prefix.count < 18 {
                id = id * 10 + Int(raw[index] - 0x30)
                index += 1
            }
            guard index > prefix.count, raw[index..<end].starts(with: middle) else { return nil }
            let start = index + middle.count
            guard start < end - suffix.count else { return nil }
            return (id, start..<(end - suffix.count))
        }
    }

    /// ovsdb-server writes every notification (an update, most of what it
    /// sends) as `{"id":null,"method":"…","params":[…]}`. Recognised by its
    /// first and last bytes, the params are read once, by whoever decodes
    /// them, instead of being skipped first to find where they end. Like
    /// OVS's own JSON-RPC, a member after `params` is then an error (the
    /// params reader finds bytes after their end).
    private static func notificationShape(_ buffer: ByteBuffer) -> (String, Range<Int>)? {
        buffer.withUnsafeReadableBytes { raw -> (String, Range<Int>)? in
            let prefix = Array(#"{"id":null,"method":""#.utf8), middle = Array(#"","params":"#.utf8)
            let end = endIgnoringTrailingSpace(raw)
            guard end > prefix.count + middle.count + 3, raw.starts(with: prefix), raw[end - 1] == UInt8(ascii: "}"),
                raw[end - 2] == UInt8(ascii: "]")
            else { return nil }
            var index = prefix.count
            // Method names are short plain ASCII words; anything else takes the general path.
            while index < end, index - prefix.count < 32, raw[index] != UInt8(ascii: "\""), raw[index] != UInt8(ascii: "\\"),
                raw[index] >= 0x20, raw[index] < 0x80
            { index += 1 }
            guard index > prefix.count, raw[index...].starts(with: middle) else { return nil }
            let method = String(decoding: raw[prefix.count..<index], as: UTF8.self)
            let start = index + middle.count
            guard start < end - 1, raw[start] == UInt8(ascii: "[") else { return nil }
            return (method, start..<(end - 1))
        }
    }

    /// Where a message ends once trailing JSON white space is dropped.
    private static func endIgnoringTrailingSpace(_ raw: UnsafeRawBufferPointer) -> Int {
        var end = raw.count
        while end > 0, raw[end - 1] == 0x20 || raw[end - 1] == 0x0a || raw[end - 1] == 0x0d || raw[end - 1] == 0x09 { end -= 1 }
        return end
    }

    /// Decodes one member with a reader confined to its bytes.
    public func read<T>(_ range: Range<Int>, _ body: (inout JSONReader) throws(JSONError) -> T) throws(JSONError) -> T {
        try buffer.withJSONReader(range: range) { (reader) throws(JSONError) -> T in
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
            ?? text(of: error)
    }

    /// The raw JSON text of a member.
    public func text(of range: Range<Int>) -> String {
        buffer.getString(at: buffer.readerIndex + range.lowerBound, length: range.count) ?? ""
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

extension ByteBuffer {
    /// Runs `body` with a reader over `range` of the readable bytes (all by default).
    func withJSONReader<T>(range: Range<Int>? = nil, _ body: (inout JSONReader) throws(JSONError) -> T) throws(JSONError) -> T {
        let result: Result<T, JSONError> = withUnsafeReadableBytes { raw in
            var reader = JSONReader(raw, range: range)
            do throws(JSONError) { return .success(try body(&reader)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}
