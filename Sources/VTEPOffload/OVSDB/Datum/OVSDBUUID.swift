/// An OVSDB row identity. Held as 128 bits, not as text: the model indexes
/// and compares hundreds of thousands of them.
public struct OVSDBUUID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let value: UInt128

    public init(_ value: UInt128) { self.value = value }

    /// Parses the canonical 8-4-4-4-12 hex form.
    public init?(_ text: String) {
        var text = text
        guard let parsed = text.withUTF8({ Self.parse(UnsafeRawBufferPointer($0)) }) else { return nil }
        self = parsed
    }

    static func parse(_ bytes: UnsafeRawBufferPointer) -> OVSDBUUID? {
        guard bytes.count == 36 else { return nil }
        var value: UInt128 = 0
        for index in 0..<36 {
            let byte = bytes[index]
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte &- UInt8(ascii: "a") &+ 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte &- UInt8(ascii: "A") &+ 10
            default: return nil
            }
            value = value << 4 | UInt128(digit)
        }
        return OVSDBUUID(value)
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
