/// Finds where one JSON-RPC message ends in a stream of bytes. OVSDB sends
/// messages back to back with no delimiter, so the framer tracks brace and
/// bracket depth outside strings (minding escapes) and reports a message
/// once its outermost `}` arrives.
///
/// The scan is resumable: feeding a 20 MB reply in 64 KiB reads looks at
/// each byte once, not once per read. Memory is bounded by `maxMessageBytes`;
/// a larger message, or bytes that cannot start one, is a protocol error
/// and the caller drops the connection.
public struct JSONFramer: Sendable {
    /// The longest message, in bytes, the framer waits for before it gives up
    /// with `.tooLarge`.
    public var maxMessageBytes: Int

    /// How far into the unconsumed bytes the scan has got, and its state there.
    private var scanned = 0
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var started = false

    /// A framer at the start of a stream, accepting messages up to
    /// `maxMessageBytes` (256 MiB by default).
    public init(maxMessageBytes: Int = 256 * 1024 * 1024) {
        self.maxMessageBytes = maxMessageBytes
    }

    /// Why the stream cannot be framed; the connection must be dropped.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case tooLarge(limit: Int)
        case unexpectedByte(UInt8, offset: Int)
        case unbalanced(offset: Int)

        /// What was wrong, and where in the unconsumed bytes.
        public var description: String {
            switch self {
            case .tooLarge(let limit): "a message is larger than the \(limit)-byte limit"
            case .unexpectedByte(let byte, let offset):
                "byte 0x\(String(byte, radix: 16)) at offset \(offset) cannot start a JSON-RPC message"
            case .unbalanced(let offset): "unbalanced brackets at offset \(offset)"
            }
        }
    }

    /// Scans `bytes` — the unconsumed input, which must begin with what was
    /// offered last time (plus anything new) — and returns the length of the
    /// first complete message (leading white space included), or nil if more
    /// input is needed. After a message is returned, the caller removes that
    /// many bytes and the scan starts afresh.
    ///
    /// Most of an OVSDB message's bytes are inside strings (UUIDs, column
    /// names, MACs), so a string's contents are skipped by a loop that looks
    /// only for its end or an escape; the state lives in locals while
    /// scanning and is stored back only when more input is needed.
    public mutating func nextMessageLength(in bytes: UnsafeRawBufferPointer) throws(Failure) -> Int? {
        let count = bytes.count
        guard scanned < count, let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        let quote = UInt8(ascii: "\"")
        var index = scanned
        var depth = self.depth, inString = self.inString, escaped = self.escaped, started = self.started
        while index < count {
            if inString {
                if escaped {
                    escaped = false
                    index += 1
                    continue
                }
                index = JSONStringScan.nextQuoteOrBackslash(in: bytes, from: index, end: count)
                guard index < count else { break }
                // A quote ends the string; a backslash escapes the next
                // byte, which may be in the next read.
                if base[index] == quote { inString = false } else { escaped = true }
                index += 1
                continue
            }
            let byte = base[index]
            switch byte {
            case 0x20, 0x09, 0x0a, 0x0d:
                break
            case UInt8(ascii: "{"):
                started = true
                depth += 1
            case _ where !started:
                // Between messages only white space may appear, and every
                // JSON-RPC message is an object.
                throw .unexpectedByte(byte, offset: index)
            case quote:
                inString = true
            case UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth < 0 { throw .unbalanced(offset: index) }
                if depth == 0 {
                    // Complete, but a message over the limit is refused even
                    // when it arrived whole in one read.
                    guard index < maxMessageBytes else { throw .tooLarge(limit: maxMessageBytes) }
                    reset()
                    return index + 1
                }
            default:
                break
            }
            index += 1
        }
        scanned = index
        self.depth = depth
        self.inString = inString
        self.escaped = escaped
        self.started = started
        if scanned > maxMessageBytes { throw .tooLarge(limit: maxMessageBytes) }
        return nil
    }

    private mutating func reset() {
        scanned = 0
        depth = 0
        inString = false
        escaped = false
        started = false
    }
}
