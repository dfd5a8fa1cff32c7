#if canImport(Glibc)
import Glibc
#endif

/// Reads flows written in ovs-dpctl notation — what `FlowFormatter` prints
/// and what people type for `ovs-dpctl add-flow` — into keys, masks and
/// actions. A field written without `/mask` is matched exactly; a field left
/// out of an attribute is wildcarded; an attribute left out is absent.
public enum FlowParser {
    /// A flow's match: the key and the mask, attribute by attribute.
    public struct Match: Hashable, Sendable {
        /// The key attributes, in the order written.
        public var key: [FlowKeyAttribute]
        /// The mask attributes; an attribute absent here is wildcarded entirely.
        public var mask: [FlowKeyAttribute]
    }

    /// `MATCH actions:ACTIONS` (an optional `, packets:…, used:…` between them is ignored).
    public static func parseFlow(_ text: String) throws(FlowNotationError) -> (match: Match, actions: [FlowAction]) {
        guard let range = text.firstRange(of: "actions:") else {
            throw FlowNotationError("no 'actions:' in '\(text)'")
        }
        var matchText = String(text[..<range.lowerBound]).trimmingWhitespace()
        if let stats = matchText.firstRange(of: ", packets:") { matchText = String(matchText[..<stats.lowerBound]) }
        while matchText.hasSuffix(",") { matchText.removeLast() }
        return (try parseMatch(matchText), try parseActions(String(text[range.upperBound...]).trimmingWhitespace()))
    }

    /// Parses a match (`recirc_id(0),in_port(1),eth(src=…)`) into key and mask.
    /// `eth_type(0/0x0000)`, which the kernel prints for an L2-only flow, adds
    /// nothing.
    /// - Throws: `FlowNotationError` for an unknown field or a malformed value.
    public static func parseMatch(_ text: String) throws(FlowNotationError) -> Match {
        var match = Match(key: [], mask: [])
        for item in try splitTopLevel(text) {
            let (name, content) = try nameAndContent(item)
            if name == "eth_type", content.hasPrefix("0/") {
                // The kernel's marker of an L2-only flow: ETHERTYPE absent from
                // the key, wildcarded in the mask. Nothing to send.
                continue
            }
            guard let type = FlowKeyLayout.types[name] ?? unknownKeyType(name) else {
                throw FlowNotationError("unknown match field '\(name)'")
            }
            let (key, mask) = try parseKeyAttribute(type: type, name: name, content: content)
            match.key.append(key)
            // `eth_type(0x88cc/0)`: in the key but absent from the mask, the
            // only way to wildcard a field the kernel would otherwise force
            // to exact (the EtherType inside a VLAN's encap).
            if let mask, !(type == OVSKey.ethertype && FlowFormatter.isAllZero(mask)) { match.mask.append(mask) }
        }
        return match
    }

    /// Parses an action list as ovs-dpctl prints it (`set(tunnel(…)),2`,
    /// `recirc(0x1000021)`, `drop`); `drop` is the empty list.
    /// - Throws: `FlowNotationError` for an unknown or malformed action.
    public static func parseActions(_ text: String) throws(FlowNotationError) -> [FlowAction] {
        if text == "drop" { return [] }
        return try splitTopLevel(text).map(parseAction)
    }

    // MARK: Key attributes

    package static func parseKeyAttribute(type: UInt16, name: String, content: String) throws(FlowNotationError) -> (
        FlowKeyAttribute, FlowKeyAttribute?
    ) {
        switch type {
        case OVSKey.encap:
            let inner = try parseMatch(content)
            return (FlowKeyAttribute(type: type, nested: inner.key), FlowKeyAttribute(type: type, nested: inner.mask))
        case OVSKey.tunnel:
            let (key, mask) = try parseTunnel(content)
            return (key, mask)
        case OVSKey.priority, OVSKey.skbMark, OVSKey.dpHash, OVSKey.recircID, OVSKey.inPort, OVSKey.ctMark:
            let (value, mask) = try valueAndMask(content, bits: 32)
            return (
                FlowKeyAttribute(type: type, bytes: hostBytes(UInt32(value))),
                FlowKeyAttribute(type: type, bytes: hostBytes(UInt32(mask)))
            )
        case OVSKey.ctZone:
            let (value, mask) = try valueAndMask(content, bits: 16)
            return (
                FlowKeyAttribute(type: type, bytes: hostBytes(UInt16(value))),
                FlowKeyAttribute(type: type, bytes: hostBytes(UInt16(mask)))
            )
        case OVSKey.ethertype:
            let (value, mask) = try valueAndMask(content, bits: 16)
            return (
                FlowKeyAttribute(type: type, bytes: beBytes(UInt64(value), 2)),
                FlowKeyAttribute(type: type, bytes: beBytes(UInt64(mask), 2))
            )
        case OVSKey.vlan:
            let (tci, mask) = try parseVLAN(content)
            return (
                FlowKeyAttribute(type: type, bytes: beBytes(UInt64(tci), 2)),
                FlowKeyAttribute(type: type, bytes: beBytes(UInt64(mask), 2))
            )
        case OVSKey.tcpFlags:
            let (value, mask) = try parseFlags(content, names: FlowKeyLayout.tcpFlagNames, max: 0x0FFF)
            return (
                FlowKeyAttribute(type: type, bytes: beBytes(UInt64(value), 2)),
                FlowKeyAttribute(type: type, bytes: beBytes(UInt64(mask), 2))
            )
        case OVSKey.ctState:
            let (value, mask) = try parseFlags(content, names: FlowKeyLayout.ctStateNames, max: UInt32.max)
            return (FlowKeyAttribute(type: type, bytes: hostBytes(value)), FlowKeyAttribute(type: type, bytes: hostBytes(mask)))
        default:
            if let fields = FlowKeyLayout.fields[type], let size = FlowKeyLayout.sizes[type] {
                var key = [UInt8](repeating: 0, count: size)
                var mask = [UInt8](repeating: 0, count: size)
                try parseFields(content, fields: fields, key: &key, mask: &mask, context: name)
                return (FlowKeyAttribute(type: type, bytes: key), FlowKeyAttribute(type: type, bytes: mask))
            }
            // keyN(hex bytes[/hex bytes]) for attributes without a layout.
            let parts = content.split(separator: "/", maxSplits: 1).map(String.init)
            let key = try hexBytes(parts.first ?? "")
            let mask = parts.count > 1 ? try hexBytes(parts[1]) : [UInt8](repeating: 0xFF, count: key.count)
            return (FlowKeyAttribute(type: type, bytes: key), FlowKeyAttribute(type: type, bytes: mask))
        }
    }

    package static func parseFields(_ content: String, fields: [FlowField], key: inout [UInt8], mask: inout [UInt8], context: String)
        throws(FlowNotationError)
    {
        for item in try splitTopLevel(content) {
            guard let equals = item.firstIndex(of: "=") else { throw FlowNotationError("'\(item)' in \(context)(…) is not name=value") }
            let fieldName = String(item[..<equals])
            guard let field = fields.first(where: { $0.name == fieldName }) else {
                throw FlowNotationError("\(context)(…) has no field '\(fieldName)'")
            }
            let (value, fieldMask) = try parseFieldValue(String(item[item.index(after: equals)...]), field: field)
            key.replaceSubrange(field.offset..<(field.offset + field.size), with: value)
            mask.replaceSubrange(field.offset..<(field.offset + field.size), with: fieldMask)
        }
    }

    package static func parseFieldValue(_ text: String, field: FlowField) throws(FlowNotationError) -> ([UInt8], [UInt8]) {
        if field.kind == .fragment {
            guard let index = ["no", "first", "later"].firstIndex(of: text) else { throw FlowNotationError("bad frag '\(text)'") }
            return ([UInt8(index)], [0xFF])
        }
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        let value = try fieldBytes(parts.first ?? "", field: field)
        let mask = parts.count > 1 ? try fieldBytes(parts[1], field: field) : [UInt8](repeating: 0xFF, count: field.size)
        return (value, mask)
    }

    package static func fieldBytes(_ text: String, field: FlowField) throws(FlowNotationError) -> [UInt8] {
        switch field.kind {
        case .ethernetAddress:
            let octets = text.split(separator: ":").compactMap { UInt8($0, radix: 16) }
            guard octets.count == 6 else { throw FlowNotationError("bad Ethernet address '\(text)'") }
            return octets
        case .ipv4Address:
            let octets = text.split(separator: ".").compactMap { UInt8($0) }
            guard octets.count == 4 else { throw FlowNotationError("bad IPv4 address '\(text)'") }
            return octets
        case .ipv6Address:
            var address = in6_addr()
            guard inet_pton(AF_INET6, text, &address) == 1 else { throw FlowNotationError("bad IPv6 address '\(text)'") }
            return withUnsafeBytes(of: address) { Array($0) }
        default:
            let value = try number(text)
            guard field.size == 8 || value < (UInt64(1) << (field.size * 8)) else {
                throw FlowNotationError("\(field.name)=\(text) does not fit in \(field.size * 8) bits")
            }
            return beBytes(value, field.size)
        }
    }

    package static func parseVLAN(_ content: String) throws(FlowNotationError) -> (UInt16, UInt16) {
        var tci: UInt16 = 0x1000
        var mask: UInt16 = 0xFFFF
        for item in try splitTopLevel(content) {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw FlowNotationError("bad vlan field '\(item)'") }
            let (value, fieldMask) = try valueAndMask(parts[1], bits: 16)
            switch parts[0] {
            case "vid":
                tci = tci & ~0x0FFF | UInt16(value & 0x0FFF)
                mask = mask & ~0x0FFF | UInt16(fieldMask & 0x0FFF)
            case "pcp":
                tci = tci & ~0xE000 | UInt16((value & 0x7) << 13)
                mask = mask & ~0xE000 | UInt16((fieldMask & 0x7) << 13)
            case "cfi":
                tci = value == 0 ? tci & ~0x1000 : tci | 0x1000
            default:
                throw FlowNotationError("vlan(…) has no field '\(parts[0])'")
            }
        }
        return (tci, mask)
    }

    /// `tunnel(tun_id=0x21,src=…,dst=…,ttl=64,flags(df|key))`. In a match
    /// each field may carry a mask; a set action uses only the key half.
    package static func parseTunnel(_ content: String) throws(FlowNotationError) -> (FlowKeyAttribute, FlowKeyAttribute) {
        var key: [FlowKeyAttribute] = []
        var mask: [FlowKeyAttribute] = []
        var flagValue: UInt32 = 0
        var flagMask: UInt32 = 0
        for item in try splitTopLevel(content) {
            if item.hasPrefix("flags(") {
                (flagValue, flagMask) = try parseFlags(
                    String(item.dropFirst(6).dropLast()),
                    names: FlowKeyLayout.tunnelFlagNames,
                    max: FlowKeyLayout.tunnelFlagMask)
                continue
            }
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let type = FlowKeyLayout.tunnelFields.first(where: { $0.value.name == parts[0] })?.key,
                let field = FlowKeyLayout.tunnelFields[type]
            else {
                throw FlowNotationError("tunnel(…) has no field '\(item)'")
            }
            let (value, fieldMask) = try parseFieldValue(parts[1], field: field)
            key.append(FlowKeyAttribute(type: type, bytes: value))
            mask.append(FlowKeyAttribute(type: type, bytes: fieldMask))
        }
        for flag in FlowKeyLayout.tunnelFlags {
            guard let attribute = flag.attribute else { continue }
            if flagValue & flag.bit != 0 { key.append(FlowKeyAttribute(type: attribute, bytes: [])) }
            if flagMask & flag.bit != 0 { mask.append(FlowKeyAttribute(type: attribute, bytes: [])) }
        }
        // Keep the kernel's attribute order, which is also the printing order.
        let order = FlowKeyLayout.tunnelFieldOrder + [OVSTunnelKey.dontFragment, OVSTunnelKey.checksum, OVSTunnelKey.oam]
        func rank(_ attribute: FlowKeyAttribute) -> Int { order.firstIndex(of: attribute.type) ?? order.count }
        key.sort { rank($0) < rank($1) }
        mask.sort { rank($0) < rank($1) }
        return (FlowKeyAttribute(type: OVSKey.tunnel, nested: key), FlowKeyAttribute(type: OVSKey.tunnel, nested: mask))
    }

    /// `a|b` (exact), `+a-b` (masked), or `0/0`.
    package static func parseFlags(_ text: String, names: [UInt32: String], max: UInt32) throws(FlowNotationError) -> (UInt32, UInt32) {
        let bits = Dictionary(uniqueKeysWithValues: names.map { ($1, $0) })
        if text == "0/0" { return (0, 0) }
        if text == "0" { return (0, max) }
        if text.first == "+" || text.first == "-" {
            var value: UInt32 = 0, mask: UInt32 = 0
            var rest = Substring(text)
            while let sign = rest.first {
                rest = rest.dropFirst()
                let name = rest.prefix { $0 != "+" && $0 != "-" }
                rest = rest.dropFirst(name.count)
                guard let bit = bits[String(name)] else { throw FlowNotationError("unknown flag '\(name)'") }
                mask |= bit
                if sign == "+" { value |= bit }
            }
            return (value, mask)
        }
        var value: UInt32 = 0
        for name in text.split(separator: "|") {
            guard let bit = bits[String(name)] else { throw FlowNotationError("unknown flag '\(name)'") }
            value |= bit
        }
        return (value, max)
    }

    // MARK: Lexing

    /// Splits on commas outside parentheses.
    package static func splitTopLevel(_ text: String) throws(FlowNotationError) -> [String] {
        var items: [String] = []
        var depth = 0
        var current = ""
        for character in text {
            switch character {
            case "(": depth += 1; current.append(character)
            case ")":
                depth -= 1
                guard depth >= 0 else { throw FlowNotationError("unbalanced ')' in '\(text)'") }
                current.append(character)
            case "," where depth == 0:
                let item = current.trimmingWhitespace()
                guard !item.isEmpty else { throw FlowNotationError("empty item in '\(text)'") }
                items.append(item); current = ""
            default: current.append(character)
            }
        }
        guard depth == 0 else { throw FlowNotationError("unbalanced '(' in '\(text)'") }
        let last = current.trimmingWhitespace()
        if !last.isEmpty { items.append(last) } else if !items.isEmpty { throw FlowNotationError("trailing ',' in '\(text)'") }
        return items
    }

    /// `name(content)` → (name, content).
    package static func nameAndContent(_ text: String) throws(FlowNotationError) -> (String, String) {
        guard let open = text.firstIndex(of: "("), text.hasSuffix(")") else {
            throw FlowNotationError("'\(text)' is not name(…)")
        }
        return (String(text[..<open]), String(text[text.index(after: open)..<text.index(before: text.endIndex)]))
    }

    package static func unknownKeyType(_ name: String) -> UInt16? {
        name.hasPrefix("key") ? UInt16(name.dropFirst(3)) : nil
    }

    /// Decimal, or hexadecimal with 0x.
    package static func number(_ text: String) throws(FlowNotationError) -> UInt64 {
        let value = text.hasPrefix("0x") || text.hasPrefix("0X") ? UInt64(text.dropFirst(2), radix: 16) : UInt64(text)
        guard let value else { throw FlowNotationError("'\(text)' is not a number") }
        return value
    }

    package static func valueAndMask(_ text: String, bits: Int) throws(FlowNotationError) -> (UInt64, UInt64) {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        let all: UInt64 = bits == 64 ? .max : (1 << UInt64(bits)) - 1
        let value = try number(parts.first ?? "")
        let mask = parts.count > 1 ? try number(parts[1]) : all
        guard value <= all, mask <= all else { throw FlowNotationError("'\(text)' does not fit in \(bits) bits") }
        return (value, mask)
    }

    /// Hex digits (spaces allowed) to bytes, as ovs-dpctl writes raw fields.
    public static func hexBytes(_ text: String) throws(FlowNotationError) -> [UInt8] {
        let digits = text.filter { !$0.isWhitespace }
        guard digits.count % 2 == 0 else { throw FlowNotationError("odd number of hex digits in '\(text)'") }
        var bytes: [UInt8] = []
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2)
            guard let byte = UInt8(digits[index..<next], radix: 16) else { throw FlowNotationError("bad hex '\(text)'") }
            bytes.append(byte)
            index = next
        }
        return bytes
    }

    package static func hostBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value) { Array($0) } }
    package static func beBytes(_ value: UInt64, _ size: Int) -> [UInt8] {
        (0..<size).map { UInt8(truncatingIfNeeded: value >> UInt64((size - 1 - $0) * 8)) }
    }
}

/// Text that is not valid ovs-dpctl flow notation, and why.
public struct FlowNotationError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What was wrong with the text, in words.
    public let message: String
    /// An error saying `message`.
    public init(_ message: String) { self.message = message }
    /// `flow notation: ` and the message.
    public var description: String { "flow notation: \(message)" }
}

extension String {
    package func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[start...end])
    }
}
