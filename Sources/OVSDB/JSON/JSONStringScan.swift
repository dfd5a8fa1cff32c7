/// Finding where a JSON string's contents stop — at its closing quote or at
/// an escape — eight bytes at a time. Most of an OVSDB message's bytes are
/// inside strings (UUIDs, column names, MACs), and the framer and the
/// reader's look-ahead both step over them.
enum JSONStringScan {
    /// The index of the first `"` or `\` in `bytes[from..<end]`, or `end`.
    @inline(__always)
    static func nextQuoteOrBackslash(in bytes: UnsafeRawBufferPointer, from start: Int, end: Int) -> Int {
        var index = start
        while index &+ 8 <= end {
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            let found = marks(of: word, equalTo: UInt8(ascii: "\"")) | marks(of: word, equalTo: UInt8(ascii: "\\"))
            if found != 0 { return index &+ found.trailingZeroBitCount >> 3 }
            index &+= 8
        }
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return index }
            index &+= 1
        }
        return end
    }

    /// The high bit of each byte of `word` that equals `byte`. Only the
    /// lowest set bit is certain (a borrow can mark a byte above a match),
    /// which is all a scan for the first match asks of it.
    @inline(__always)
    private static func marks(of word: UInt64, equalTo byte: UInt8) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let x = word ^ (ones &* UInt64(byte))
        return (x &- ones) & ~x & (ones << 7)
    }
}
