#if canImport(Glibc)
import Glibc
#endif

/// A pull parser over the bytes of one JSON text: the caller walks the
/// structure it expects and reads typed values straight from the bytes, so
/// decoding 100,000 rows builds the rows and nothing else — no tree of
/// dictionaries and arrays in between.
///
/// Strings must be valid UTF-8 (checked as they are read); numbers follow
/// RFC 8259. Every failure is a `JSONError` with the byte offset.
public struct JSONReader {
    let base: UnsafeRawBufferPointer
    /// The position of the next byte to read, from the start of the bytes (not
    /// of `range`).
    public internal(set) var offset: Int
    let end: Int
    /// Objects and arrays open around the reader now.
    var nesting = 0

    /// The deepest nesting of objects and arrays the reader follows. OVSDB
    /// messages nest about ten deep; without a bound, a message of a million
    /// `[` overflows the stack of whoever walks it.
    public static let maximumNesting = 128

    /// Reads `bytes`, which must stay alive and unchanged while the reader
    /// is in use (take it inside `withUnsafeBytes`).
    public init(_ bytes: UnsafeRawBufferPointer, range: Range<Int>? = nil) {
        base = bytes
        offset = range?.lowerBound ?? 0
        end = range?.upperBound ?? bytes.count
    }

    /// A reader of `range` of the same bytes (a value found by
    /// `skipValueRange`), to be read apart from this one.
    public func reader(over range: Range<Int>) -> JSONReader {
        JSONReader(base, range: range)
    }

    /// The kind of a JSON value, as its first byte tells it.
    public enum Kind: Equatable, Sendable { case object, array, string, number, bool, null }

    // MARK: Structure

    /// The kind of the next value, without consuming it.
    public mutating func peekKind() throws(JSONError) -> Kind {
        skipSpace()
        guard offset < end else { throw error("unexpected end of input") }
        switch base[offset] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        default: throw error("unexpected character '\(Character(Unicode.Scalar(base[offset])))'")
        }
    }

    /// Walks an object: `body` is called with each member's name and must
    /// consume its value (read it, or `skipValue()`).
    public mutating func readObject(_ body: (inout JSONReader, String) throws(JSONError) -> Void) throws(JSONError) {
        try walkObject({ (reader) throws(JSONError) in try reader.readString() }, describe: { $0 }, body)
    }

    /// `readObject` with each member name as its raw bytes (escapes left
    /// in, valid only during `body`): for names in a fixed format, such as
    /// the row UUIDs of a table update, which are parsed without a String.
    public mutating func readObjectRawNames(_ body: (inout JSONReader, UnsafeRawBufferPointer) throws(JSONError) -> Void) throws(JSONError)
    {
        try walkObject(
            { (reader) throws(JSONError) in try reader.readRawString() },
            describe: { String(decoding: $0, as: UTF8.self) }, body)
    }

    @inline(__always)
    mutating func walkObject<Name>(
        _ readName: (inout JSONReader) throws(JSONError) -> Name, describe: (Name) -> String,
        _ body: (inout JSONReader, Name) throws(JSONError) -> Void
    ) throws(JSONError) {
        try expect(UInt8(ascii: "{"))
        try enterNesting()
        defer { nesting -= 1 }
        if try consumeIf(UInt8(ascii: "}")) { return }
        while true {
            let name = try readName(&self)
            try expect(UInt8(ascii: ":"))
            let before = offset
            try body(&self, name)
            if offset == before { throw error("member \"\(describe(name))\" was not consumed") }
            if try consumeIf(UInt8(ascii: ",")) { continue }
            try expect(UInt8(ascii: "}"))
            return
        }
    }

    /// Walks an array: `body` is called once per element and must consume it.
    public mutating func readArray(_ body: (inout JSONReader) throws(JSONError) -> Void) throws(JSONError) {
        try expect(UInt8(ascii: "["))
        try enterNesting()
        defer { nesting -= 1 }
        if try consumeIf(UInt8(ascii: "]")) { return }
        while true {
            let before = offset
            try body(&self)
            if offset == before { throw error("array element was not consumed") }
            if try consumeIf(UInt8(ascii: ",")) { continue }
            try expect(UInt8(ascii: "]"))
            return
        }
    }

    /// Counts one more level of nesting, or fails past `maximumNesting`.
    mutating func enterNesting() throws(JSONError) {
        guard nesting < Self.maximumNesting else { throw error("nesting deeper than \(Self.maximumNesting) levels") }
        nesting += 1
    }

    /// Opens an array whose elements the caller reads one by one with
    /// `nextElement()` — for fixed shapes like `["uuid", "…"]`.
    public mutating func beginArray() throws(JSONError) -> Bool {
        try expect(UInt8(ascii: "["))
        return try !consumeIf(UInt8(ascii: "]"))
    }

    /// After an element: true if another follows, false at `]` (consumed).
    public mutating func nextElement() throws(JSONError) -> Bool {
        if try consumeIf(UInt8(ascii: ",")) { return true }
        try expect(UInt8(ascii: "]"))
        return false
    }

    /// Skips one value of any kind, checking its syntax.
    public mutating func skipValue() throws(JSONError) {
        switch try peekKind() {
        case .object: try readObject { (reader, _) throws(JSONError) in try reader.skipValue() }
        case .array: try readArray { (reader) throws(JSONError) in try reader.skipValue() }
        case .string: try skipString()
        case .number: _ = try readNumberText()
        case .bool: _ = try readBool()
        case .null: try readNull()
        }
    }

    /// The byte range of the next value, which is skipped. Objects and
    /// arrays are stepped over by bracket depth alone — one tight pass with
    /// no checking, as whoever later reads the range checks what it reads.
    /// (A message's 20 MB result is skipped this way before it is decoded.)
    public mutating func skipValueRange() throws(JSONError) -> Range<Int> {
        skipSpace()
        let start = offset
        guard offset < end, base[offset] == UInt8(ascii: "{") || base[offset] == UInt8(ascii: "[") else {
            try skipValue()
            return start..<offset
        }
        var depth = 0
        var index = offset
        var inString = false
        while index < end {
            if inString {
                index = JSONStringScan.nextQuoteOrBackslash(in: base, from: index, end: end)
                guard index < end else { break }
                if base[index] == UInt8(ascii: "\\") { index += 2; continue }
                inString = false
            } else {
                switch base[index] {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 {
                        offset = index + 1
                        return start..<offset
                    }
                default: break
                }
            }
            index += 1
        }
        throw error("unterminated value")
    }

    /// The number of members of the object that comes next, counted by one
    /// bracket-depth scan without reading them (the reader does not move),
    /// or nil when the next value is not an object or ends within
    /// `minimumBytes` — small objects are not worth the second look.
    /// Lets a table make room for a bulk update's rows at once instead of
    /// growing, and moving every row, again and again.
    ///
    /// The bytes are not checked yet, so the count is a bound, not a
    /// promise: members are counted by their colons (`{"x",,,}` has none),
    /// and never more than the object's length allows at
    /// `minimumMemberBytes` each, so a hostile peer cannot make the caller
    /// reserve more than its message's size in rows.
    public func countObjectMembers(ifLongerThan minimumBytes: Int, minimumMemberBytes: Int = 4) -> Int? {
        var probe = self
        probe.skipSpace()
        var index = probe.offset
        guard index < end, base[index] == UInt8(ascii: "{"), end - index > minimumBytes else { return nil }
        let start = index
        var depth = 0, colons = 0, inString = false
        while index < end {
            if inString {
                index = JSONStringScan.nextQuoteOrBackslash(in: base, from: index, end: end)
                guard index < end else { break }
                if base[index] == UInt8(ascii: "\\") { index += 2; continue }
                inString = false
            } else {
                switch base[index] {
                case 0x20, 0x09, 0x0a, 0x0d: break
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 {
                        let length = index + 1 - start
                        return length <= minimumBytes ? nil : min(colons, length / max(minimumMemberBytes, 1))
                    }
                case UInt8(ascii: ":"):
                    if depth == 1 { colons += 1 }
                case UInt8(ascii: "\""):
                    inString = true
                default:
                    break
                }
            }
            index += 1
        }
        return nil
    }

    /// Fails unless only white space is left.
    public mutating func expectEnd() throws(JSONError) {
        skipSpace()
        if offset != end { throw error("unexpected data after the value") }
    }

    // MARK: Internals

    mutating func readNumberText() throws(JSONError) -> Range<Int> {
        skipSpace()
        let start = offset
        var index = offset
        if index < end && base[index] == UInt8(ascii: "-") { index += 1 }
        let digitsStart = index
        while index < end, case UInt8(ascii: "0")...UInt8(ascii: "9") = base[index] { index += 1 }
        guard index > digitsStart else { throw error("expected a number") }
        if index - digitsStart > 1 && base[digitsStart] == UInt8(ascii: "0") { throw error("leading zero in a number") }
        if index < end && base[index] == UInt8(ascii: ".") {
            index += 1
            let fraction = index
            while index < end, case UInt8(ascii: "0")...UInt8(ascii: "9") = base[index] { index += 1 }
            guard index > fraction else { offset = index; throw error("expected digits after '.'") }
        }
        if index < end && (base[index] == UInt8(ascii: "e") || base[index] == UInt8(ascii: "E")) {
            index += 1
            if index < end && (base[index] == UInt8(ascii: "+") || base[index] == UInt8(ascii: "-")) { index += 1 }
            let exponent = index
            while index < end, case UInt8(ascii: "0")...UInt8(ascii: "9") = base[index] { index += 1 }
            guard index > exponent else { offset = index; throw error("expected exponent digits") }
        }
        offset = index
        return start..<index
    }

    mutating func literal(_ text: StaticString) throws(JSONError) {
        skipSpace()
        let count = text.utf8CodeUnitCount
        let matches =
            offset + count <= end
            && text.withUTF8Buffer { literal in
                memcmp(literal.baseAddress!, base.baseAddress! + offset, count) == 0
            }
        guard matches else { throw error("expected \(text)") }
        offset += count
    }

    @inline(__always)
    mutating func skipSpace() {
        while offset < end {
            switch base[offset] {
            case 0x20, 0x0a, 0x0d, 0x09: offset += 1
            default: return
            }
        }
    }

    @inline(__always)
    mutating func expect(_ byte: UInt8) throws(JSONError) {
        skipSpace()
        guard offset < end, base[offset] == byte else {
            throw error(offset < end ? "expected '\(Character(Unicode.Scalar(byte)))'" : "unexpected end of input")
        }
        offset += 1
    }

    @inline(__always)
    mutating func consumeIf(_ byte: UInt8) throws(JSONError) -> Bool {
        skipSpace()
        guard offset < end else { throw error("unexpected end of input") }
        if base[offset] == byte { offset += 1; return true }
        return false
    }

    /// An error at the current offset: for decoders that find a value well
    /// formed but not what they expected.
    public func error(_ reason: String) -> JSONError {
        JSONError(offset: offset, reason: reason)
    }
}

extension Array where Element == UInt8 {
    /// Runs `body` with a reader over `range` of these bytes (all of them by default).
    public func withJSONReader<T>(range: Range<Int>? = nil, _ body: (inout JSONReader) throws(JSONError) -> T) throws(JSONError) -> T {
        let result: Result<T, JSONError> = withUnsafeBytes { raw in
            var reader = JSONReader(raw, range: range)
            do throws(JSONError) { return .success(try body(&reader)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}
