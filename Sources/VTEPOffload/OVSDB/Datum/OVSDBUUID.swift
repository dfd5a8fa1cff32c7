/// An OVSDB row identity. Held as 128 bits, not as text: the model indexes
/// and compares hundreds of thousands of them.
public struct OVSDBUUID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let value: UInt128

    public init(_ value: UInt128) { self.value = value }

    public func hash(into hasher: inout Hasher) { hasher.combine(value) }

    /// What `Dictionary` and `Set` hash with. Rows are looked up by UUID
    /// several times per row in the compiler and the replica, and a UUID is
    /// already random (ovsdb-server makes version 4 ones): mixing its bits
    /// with the table's seed spreads it as well as SipHash, at a fraction
    /// of the cost.
    public func _rawHashValue(seed: Int) -> Int {
        // Fold, then SplitMix64's finaliser, so every bit reaches the low
        // bits a table indexes by (FlowUFID hashes the same way).
        var x = UInt64(truncatingIfNeeded: value) ^ (UInt64(truncatingIfNeeded: value >> 64) &* 0x9e37_79b9_7f4a_7c15)
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
    /// rows: digits are converted without a branch per byte, and checked
    /// once per group.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> OVSDBUUID? {
        guard bytes.count == 36, bytes[8] == 0x2d, bytes[13] == 0x2d, bytes[18] == 0x2d, bytes[23] == 0x2d else { return nil }
        var invalid = false
        func hex(_ start: Int, _ count: Int, into value: inout UInt64) {
            for index in start..<(start + count) {
                let byte = bytes[index]
                // '0'–'9' are 0x30–0x39; 'a'–'f' and 'A'–'F' end in 1–6 and have bit 6 set.
                let isDigit = byte &- 0x30 < 10, isLetter = (byte | 0x20) &- 0x61 < 6
                invalid = invalid || !(isDigit || isLetter)
                value = value << 4 | UInt64((byte & 0x0f) &+ 9 &* (byte >> 6))
            }
        }
        var high: UInt64 = 0, low: UInt64 = 0
        hex(0, 8, into: &high)
        hex(9, 4, into: &high)
        hex(14, 4, into: &high)
        hex(19, 4, into: &low)
        hex(24, 12, into: &low)
        return invalid ? nil : OVSDBUUID(UInt128(high) << 64 | UInt128(low))
    }

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

    public static func < (a: OVSDBUUID, b: OVSDBUUID) -> Bool { a.value < b.value }

    /// `["uuid", "…"]`, as a datum or an operation's argument.
    public var json: JSONValue { ["uuid", .string(description)] }
}
