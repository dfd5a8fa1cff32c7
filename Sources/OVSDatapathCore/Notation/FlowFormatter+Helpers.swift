#if canImport(Glibc)
import Glibc
#endif

extension FlowFormatter {
    // MARK: Helpers mirroring printf and OVS's flag formatting

    package static func flags(_ value: UInt32, names: [UInt32: String], separator: Character) -> String {
        guard value != 0 else { return "0" }
        var out = ""
        var bad: UInt32 = 0
        var rest = value
        while rest != 0 {
            let bit = rest & (~rest &+ 1)
            if let name = names[bit] { out += name + String(separator) } else { bad |= bit }
            rest &= ~bit
        }
        if bad != 0 { out += "0x" + String(bad, radix: 16) + String(separator) }
        out.removeLast()
        return out
    }

    package static func maskedFlags(_ value: UInt32, mask: UInt32, max: UInt32, names: [UInt32: String]) -> String {
        if mask == max { return flags(value, names: names, separator: "|") }
        if mask == 0 { return "0/0" }
        var out = ""
        var rest = mask
        while rest != 0 {
            let bit = rest & (~rest &+ 1)
            out += (value & bit != 0 ? "+" : "-") + (names[bit] ?? "[Unknown]")
            rest &= ~bit
        }
        return out
    }

    package static func isAllZero(_ attribute: FlowKeyAttribute) -> Bool {
        switch attribute.value {
        case .bytes(let bytes): return isAllZero(bytes)
        case .nested(let children): return children.allSatisfy(isAllZero)
        }
    }
    package static func isAllZero(_ bytes: [UInt8]) -> Bool { bytes.allSatisfy { $0 == 0 } }

    package static func isExactMask(_ mask: FlowKeyAttribute) -> Bool {
        let bytes = mask.bytes
        if mask.type == OVSKey.ipv6, bytes.count == 40 {
            return bytes.enumerated().allSatisfy { index, byte in
                switch index {
                case 32: return true
                case 33: return byte & 0x0F == 0x0F
                case 34, 35: return byte == 0xFF
                default: return byte == 0xFF
                }
            }
        }
        if case .nested = mask.value { return false }
        return !bytes.isEmpty && bytes.allSatisfy { $0 == 0xFF }
    }

    package static func wildcardMask(for attribute: FlowKeyAttribute) -> FlowKeyAttribute {
        switch attribute.value {
        case .bytes(let bytes): return FlowKeyAttribute(type: attribute.type, bytes: [UInt8](repeating: 0, count: bytes.count))
        case .nested: return FlowKeyAttribute(type: attribute.type, nested: [])
        }
    }

    package static func chomp(_ out: inout String) { if out.last == "," { out.removeLast() } }

    /// C's `%#x`: "0" for zero, "0x…" otherwise.
    package static func hexAlt(_ value: UInt64) -> String { value == 0 ? "0" : "0x" + String(value, radix: 16) }

    package static func hex<T: BinaryInteger>(_ value: T, width: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    package static func formatFixed3(_ value: Double) -> String { formatFixed(value, digits: 3) }
    package static func formatFixed1(_ value: Double) -> String { formatFixed(value, digits: 1) }
    package static func formatFixed(_ value: Double, digits: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        _ = withVaList([digits, value]) { vsnprintf(&buffer, 64, "%.*f", $0) }
        return String(cString: buffer)
    }

    package static func ipv6String(_ bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        _ = bytes.withUnsafeBytes { inet_ntop(AF_INET6, $0.baseAddress, &buffer, socklen_t(INET6_ADDRSTRLEN)) }
        return String(cString: buffer)
    }

    package static func u16(_ b: [UInt8]) -> UInt16 { b.withUnsafeBytes { $0.loadUnaligned(as: UInt16.self) } }
    package static func u32(_ b: [UInt8]) -> UInt32 { b.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) } }
    package static func be16(_ b: [UInt8]) -> UInt16 { UInt16(b[0]) << 8 | UInt16(b[1]) }
    package static func be32(_ b: [UInt8]) -> UInt32 { b.prefix(4).reduce(0) { $0 << 8 | UInt32($1) } }
    package static func be64(_ b: [UInt8]) -> UInt64 { b.prefix(8).reduce(0) { $0 << 8 | UInt64($1) } }
    package static func be16(_ attribute: FlowKeyAttribute) -> UInt16 { be16(attribute.bytes) }
}
