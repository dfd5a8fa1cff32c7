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

    static func parse(_ bytes: UnsafeRawBufferPointer) -> OVSDBUUID? {
        guard bytes.count == 36, bytes[8] == 0x2d, bytes[13] == 0x2d, bytes[18] == 0x2d, bytes[23] == 0x2d else { return nil }
        var high: UInt64 = 0, low: UInt64 = 0
        var digits = 0
        for index in 0..<36 where index != 8 && index != 13 && index != 18 && index != 23 {
            let byte = bytes[index]
            let digit: UInt8
            if byte &- 0x30 < 10 { digit = byte &- 0x30 }
            else if (byte | 0x20) &- 0x61 < 6 { digit = (byte | 0x20) &- 0x61 &+ 10 }
            else { return nil }
            if digits < 16 { high = high << 4 | UInt64(digit) } else { low = low << 4 | UInt64(digit) }
            digits += 1
        }
        return OVSDBUUID(UInt128(high) << 64 | UInt128(low))
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
