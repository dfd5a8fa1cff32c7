/// An OVSDB row identity. Held as 128 bits, not as text: the model indexes
/// and compares hundreds of thousands of them.
public struct OVSDBUUID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The 128 bits, in the order the text form prints them.
    public let value: UInt128

    /// A UUID with these 128 bits (`OVSDBUUID(0)` serves as "no row yet").
    public init(_ value: UInt128) { self.value = value }

    /// Hashes the 128 bits.
    public func hash(into hasher: inout Hasher) { hasher.combine(value) }

    /// What `Dictionary` and `Set` hash with. Rows are looked up by UUID
    /// several times per row in the compiler and the replica, and a UUID is
    /// already random (ovsdb-server makes version 4 ones): mixing its bits
    /// with the table's seed spreads it as well as SipHash, at a fraction
    /// of the cost.
    public func _rawHashValue(seed: Int) -> Int {
        // Fold, then SplitMix64's finaliser, so every bit reaches the low
        // bits a table indexes by (FlowUFID hashes the same way).
        var x =
            UInt64(truncatingIfNeeded: value) ^ (UInt64(truncatingIfNeeded: value >> 64) &* 0x9e37_79b9_7f4a_7c15)
            ^ UInt64(bitPattern: Int64(seed))
        x = (x ^ (x >> 30)) &* 0xbf58_476d_1ce4_e5b9
        x = (x ^ (x >> 27)) &* 0x94d0_49bb_1331_11eb
        return Int(bitPattern: UInt(x ^ (x >> 31)))
    }

    /// Parses the canonical 8-4-4-4-12 hex form.
    public init?(_ text: String) {
        var text = text
        guard let parsed = text.withUTF8({ Self.parse(UnsafeRawBufferPointer($0)) }) else { return nil }
        self = parsed
    }

    /// Every row of a monitor reply carries three UUIDs or more (its own,
    /// its switch's, its locator's), so this runs 300,000 times for 100,000
    /// rows: each group of hex digits is checked and converted eight bytes
    /// at a time.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> OVSDBUUID? {
        guard bytes.count == 36, bytes[8] == 0x2d, bytes[13] == 0x2d, bytes[18] == 0x2d, bytes[23] == 0x2d else { return nil }
        func eight(_ at: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
        // Four digits, padded with four '0's to a word of eight.
        func four(_ at: Int) -> UInt64 {
            UInt64(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self))) | 0x3030_3030_0000_0000
        }
        guard let a = hex(eight(0)), let b = hex(four(9)), let c = hex(four(14)), let d = hex(four(19)),
            let e = hex(eight(24)), let f = hex(four(32))
        else { return nil }
        let high = a << 32 | (b >> 16) << 16 | c >> 16
        let low = (d >> 16) << 48 | e << 16 | f >> 16
        return OVSDBUUID(UInt128(high) << 64 | UInt128(low))
    }

    /// Eight ASCII hex digits (first digit in the lowest byte) as a 32-bit
    /// number, or nil if any byte is not a hex digit.
    @inline(__always)
    private static func hex(_ word: UInt64) -> UInt64? {
        let ones: UInt64 = 0x0101_0101_0101_0101, highBits = ones << 7
        guard word & highBits == 0 else { return nil }
        // For bytes below 0x80, the high bit of byte + (0x80 - k) says byte ≥ k (no carry between bytes).
        func atLeast(_ x: UInt64, _ k: UInt8) -> UInt64 { (x &+ ones &* UInt64(0x80 &- k)) & highBits }
        let isDigit = atLeast(word, 0x30) & ~atLeast(word, 0x3a)
        let folded = word | ones &* 0x20
        let isLetter = atLeast(folded, 0x61) & ~atLeast(folded, 0x67)
        guard isDigit | isLetter == highBits else { return nil }
        // '0'–'9' keep their low nibble; letters (bit 6 set) end in 1–6 and gain 9.
        var v = (word & (ones &* 0x0f)) &+ ((word >> 6) & ones) &* 9
        v = ((v << 4) | (v >> 8)) & 0x00ff_00ff_00ff_00ff
        v = ((v << 8) | (v >> 16)) & 0x0000_ffff_0000_ffff
        return ((v << 16) | (v >> 32)) & 0xffff_ffff
    }

    /// The canonical lower-case 8-4-4-4-12 form, as ovsdb-server writes it.
    public var description: String {
        let hex = Array("0123456789abcdef".utf8)
        var out = [UInt8](repeating: UInt8(ascii: "-"), count: 36)
        var remaining = value
        var index = 35
        while index >= 0 {
            if index == 8 || index == 13 || index == 18 || index == 23 { index -= 1; continue }
            out[index] = hex[Int(remaining & 0xf)]
            remaining >>= 4
            index -= 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Orders UUIDs by their 128 bits: a stable order for sorting rows.
    public static func < (a: OVSDBUUID, b: OVSDBUUID) -> Bool { a.value < b.value }

    /// `["uuid", "…"]`, as a datum or an operation's argument.
    public var json: JSONValue { ["uuid", .string(description)] }
}
