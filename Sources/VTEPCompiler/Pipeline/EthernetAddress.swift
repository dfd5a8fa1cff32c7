/// A 48-bit MAC address, parsed from the VTEP database's text form.
public struct EthernetAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The six bytes, in transmission order.
    public let bytes: [UInt8]

    /// `xx:xx:xx:xx:xx:xx`, either case. Read byte by byte: the compiler
    /// parses one of these per remote MAC row on every full compile.
    public init?(_ text: String) {
        var text = text
        let parsed: [UInt8]? = text.withUTF8 { utf8 in
            guard utf8.count == 17 else { return nil }
            var bytes = [UInt8](repeating: 0, count: 6)
            for index in 0..<6 {
                let at = index * 3
                guard index == 5 || utf8[at + 2] == UInt8(ascii: ":"),
                    let high = Self.nibble(utf8[at]), let low = Self.nibble(utf8[at + 1])
                else { return nil }
                bytes[index] = high << 4 | low
            }
            return bytes
        }
        guard let parsed else { return nil }
        self.bytes = parsed
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Whether the group bit (the first byte's lowest bit) is set: broadcast and
    /// multicast addresses, which are flooded rather than looked up.
    public var isMulticast: Bool { bytes[0] & 1 == 1 }

    /// Lower-case `xx:xx:xx:xx:xx:xx` (part of every MAC flow's identity).
    public var description: String {
        String(unsafeUninitializedCapacity: Self.textLength) { writeText(into: $0, at: 0) }
    }

    static let textLength = 17

    /// Writes `description`'s 17 bytes into `out` from `start`, for callers
    /// building a longer text without an intermediate string; returns where
    /// it stopped.
    func writeText(into out: UnsafeMutableBufferPointer<UInt8>, at start: Int) -> Int {
        let digits: StaticString = "0123456789abcdef"
        var at = start
        for (index, byte) in bytes.enumerated() {
            if index > 0 { out[at] = UInt8(ascii: ":"); at += 1 }
            out[at] = digits.utf8Start[Int(byte >> 4)]
            out[at + 1] = digits.utf8Start[Int(byte & 0xf)]
            at += 2
        }
        return at
    }

    /// Orders addresses byte by byte.
    public static func < (a: Self, b: Self) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }
}
