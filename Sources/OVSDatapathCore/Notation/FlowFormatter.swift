#if canImport(Glibc)
import Glibc
#endif

/// Prints flows, keys and actions exactly as `ovs-dpctl dump-flows` does
/// (non-verbose: fully wildcarded fields are left out), so our output and
/// OVS's can be compared line for line.
public enum FlowFormatter {
    /// `match, packets:N, bytes:N, used:…, actions:…` — one dump-flows line.
    /// `now` is the kernel's monotonic time in ms, for `used:`.
    public static func format(_ flow: Flow, nowMilliseconds: UInt64? = nil) -> String {
        var line = formatMatch(key: flow.key, mask: flow.mask)
        line += ", packets:\(flow.stats.packets), bytes:\(flow.stats.bytes), used:"
        if let used = flow.stats.usedMilliseconds, used != 0 {
            let now = nowMilliseconds ?? used
            line += formatFixed3(Double(Int64(bitPattern: now &- used)) / 1000) + "s"
        } else {
            line += "never"
        }
        if flow.stats.tcpFlags != 0 {
            line += ", flags:" + flags(UInt32(flow.stats.tcpFlags), names: FlowKeyLayout.tcpFlagNames, separator: "|")
        }
        line += ", actions:" + formatActions(flow.actions)
        return line
    }

    // MARK: Match

    /// The match part (`recirc_id(0),in_port(1),eth(...)`).
    public static func formatMatch(key: [FlowKeyAttribute], mask: [FlowKeyAttribute]?, verbose: Bool = false) -> String {
        guard !key.isEmpty else { return "<empty>" }
        var out = ""
        var first = true
        var hasEthertype = false
        for attribute in key {
            if attribute.type == OVSKey.ethertype { hasEthertype = true }
            var maskAttribute = mask?[type: attribute.type]
            let isNested = OVSKey.isNested(attribute.type)
            var isWildcard = false
            // OVS only knows how to wildcard the attributes it knows; a newer
            // kernel's attribute (IPV6_EXTHDRS, say) is always shown.
            if mask != nil, FlowKeyLayout.names[attribute.type] != nil {
                isWildcard = maskAttribute.map(isAllZero) ?? true
            }
            if verbose || !isWildcard || isNested {
                if isWildcard && maskAttribute == nil {
                    maskAttribute = wildcardMask(for: attribute)
                }
                if !first { out += "," }
                formatKeyAttribute(attribute, mask: maskAttribute, verbose: verbose, into: &out)
                first = false
            } else if attribute.type == OVSKey.ethernet {
                // An all-wildcard eth() still says "this is an Ethernet frame".
                if !first { out += "," }
                out += "eth()"
                first = false
            }
        }
        if !hasEthertype, let mask, let ethertypeMask = mask[type: OVSKey.ethertype] {
            out += ",eth_type(0/0x" + hex(be16(ethertypeMask.bytes), width: 4) + ")"
        }
        return out
    }

    package static func formatKeyAttribute(_ attribute: FlowKeyAttribute, mask: FlowKeyAttribute?, verbose: Bool, into out: inout String) {
        let type = attribute.type
        let key = attribute.bytes
        let maskBytes = mask?.bytes
        let isExact = mask.map { isExactMask($0) } ?? true
        out += FlowKeyLayout.name(type) + "("
        defer { out += ")" }

        switch type {
        case OVSKey.encap:
            if let mask, !mask.children.isEmpty, !attribute.children.isEmpty {
                out += formatMatch(key: attribute.children, mask: mask.children, verbose: verbose)
            } else if !attribute.children.isEmpty {
                out += formatMatch(key: attribute.children, mask: nil, verbose: verbose)
            }
        case OVSKey.priority, OVSKey.skbMark, OVSKey.dpHash, OVSKey.recircID:
            guard key.count == 4 else { return generic(key, maskBytes, isExact, into: &out) }
            out += hexAlt(UInt64(u32(key)))
            if !isExact, let maskBytes { out += "/" + hexAlt(UInt64(u32(maskBytes))) }
        case OVSKey.ctMark:
            if verbose || !(maskBytes.map(isAllZero) ?? true) {
                out += hexAlt(UInt64(u32(key)))
                if !isExact, let maskBytes { out += "/" + hexAlt(UInt64(u32(maskBytes))) }
            }
        case OVSKey.ctZone:
            if verbose || !(maskBytes.map(isAllZero) ?? true) {
                out += hexAlt(UInt64(u16(key)))
                if !isExact, let maskBytes { out += "/" + hexAlt(UInt64(u16(maskBytes))) }
            }
        case OVSKey.ctState:
            let value = u32(key)
            let maskValue = maskBytes.map { isAllZero($0) ? 0 : u32($0) } ?? UInt32.max
            if verbose {
                out += hexAlt(UInt64(value))
                if !isExact { out += "/" + hexAlt(UInt64(maskValue)) }
            } else if !isExact {
                out += maskedFlags(value, mask: maskValue, max: UInt32.max, names: FlowKeyLayout.ctStateNames)
            } else {
                out += flags(value, names: FlowKeyLayout.ctStateNames, separator: "|")
            }
        case OVSKey.tunnel:
            formatTunnel(attribute, mask: mask, verbose: verbose, into: &out)
        case OVSKey.inPort:
            out += String(u32(key))
            if !isExact, let maskBytes { out += "/" + hexAlt(UInt64(u32(maskBytes))) }
        case OVSKey.vlan:
            formatVLANTCI(be16(key), mask: maskBytes.map(be16) ?? 0xFFFF, verbose: verbose, into: &out)
        case OVSKey.ethertype:
            out += "0x" + hex(be16(key), width: 4)
            if !isExact, let maskBytes { out += "/0x" + hex(be16(maskBytes), width: 4) }
        case OVSKey.tcpFlags:
            let value = UInt32(be16(key))
            if !isExact, let maskBytes {
                out += maskedFlags(value, mask: UInt32(be16(maskBytes)) & 0x0FFF, max: 0x0FFF, names: FlowKeyLayout.tcpFlagNames)
            } else {
                out += flags(value, names: FlowKeyLayout.tcpFlagNames, separator: "|")
            }
        default:
            if let fields = FlowKeyLayout.fields[type], key.count == FlowKeyLayout.sizes[type] {
                for field in fields {
                    formatField(field, key: key, mask: maskBytes, verbose: verbose, into: &out)
                }
                chomp(&out)
            } else {
                generic(key, maskBytes, isExact, into: &out)
            }
        }
    }

    package static func generic(_ key: [UInt8], _ mask: [UInt8]?, _ isExact: Bool, into out: inout String) {
        out += key.map { hex($0, width: 2) }.joined(separator: " ")
        if !isExact, let mask { out += "/" + mask.map { hex($0, width: 2) }.joined(separator: " ") }
    }

    /// One `name=value[/mask],` (or nothing when the mask is all zero).
    package static func formatField(_ field: FlowField, key: [UInt8], mask: [UInt8]?, verbose: Bool, into out: inout String) {
        let value = Array(key[field.offset..<(field.offset + field.size)])
        let maskValue = mask.map { Array($0[field.offset..<(field.offset + field.size)]) }
        let maskEmpty = maskValue.map(isAllZero) ?? false
        if field.kind == .fragment {
            let full = maskValue.map { $0[0] == 0xFF } ?? true
            if !maskEmpty && !full {
                out += "error: partial mask not supported for frag (\(hexAlt(UInt64(maskValue![0])))),"
            } else if !maskEmpty {
                out += "\(field.name)=\(["no", "first", "later"][safe: Int(value[0])] ?? "<error>"),"
            }
            return
        }
        guard verbose || !maskEmpty else { return }
        var full = maskValue.map { $0.allSatisfy { $0 == 0xFF } } ?? true
        if field.kind == .ipv6Label, let maskValue {
            full = be32(maskValue) & 0x000F_FFFF == 0x000F_FFFF
        }
        out += field.name + "=" + fieldValue(field.kind, value)
        if !full, let maskValue {
            switch field.kind {
            case .ethernetAddress, .ipv4Address, .ipv6Address:
                out += "/" + fieldValue(field.kind, maskValue)
            case .decimal8, .hex8:
                out += "/" + hexAlt(UInt64(maskValue[0]))
            case .decimal16, .hex16:
                out += "/" + hexAlt(UInt64(be16(maskValue)))
            case .ipv6Label:
                out += "/" + hexAlt(UInt64(be32(maskValue)))
            case .hex64:
                out += "/" + hexAlt(be64(maskValue))
            case .fragment:
                break
            }
        }
        out += ","
    }

    package static func fieldValue(_ kind: FlowFieldKind, _ bytes: [UInt8]) -> String {
        switch kind {
        case .ethernetAddress: return bytes.map { hex($0, width: 2) }.joined(separator: ":")
        case .ipv4Address: return bytes.map { String($0) }.joined(separator: ".")
        case .ipv6Address: return ipv6String(bytes)
        case .decimal8: return String(bytes[0])
        case .hex8: return hexAlt(UInt64(bytes[0]))
        case .decimal16: return String(be16(bytes))
        case .hex16: return hexAlt(UInt64(be16(bytes)))
        case .ipv6Label: return hexAlt(UInt64(be32(bytes)))
        case .fragment: return ["no", "first", "later"][safe: Int(bytes[0])] ?? "<error>"
        case .hex64: return "0x" + String(be64(bytes), radix: 16)
        }
    }

    package static func formatVLANTCI(_ tci: UInt16, mask: UInt16, verbose: Bool, into out: inout String) {
        let vid = tci & 0x0FFF, vidMask = mask & 0x0FFF
        let pcp = tci >> 13, pcpMask = mask >> 13
        if verbose || vid != 0 || vidMask != 0 {
            out += "vid=\(vid)"
            if vidMask != 0x0FFF { out += "/0x" + String(vidMask, radix: 16) }
            out += ","
        }
        if verbose || pcp != 0 || pcpMask != 0 {
            out += "pcp=\(pcp)"
            if pcpMask != 0x7 { out += "/0x" + String(pcpMask, radix: 16) }
            out += ","
        }
        if tci & 0x1000 == 0 { out += "cfi=0," }
        chomp(&out)
    }

    package static func formatTunnel(_ attribute: FlowKeyAttribute, mask: FlowKeyAttribute?, verbose: Bool, into out: inout String) {
        var flags: UInt32 = 0
        var maskFlags: UInt32 = 0
        for sub in attribute.children {
            var subMask: [UInt8]?
            if let mask {
                subMask = mask.children[type: sub.type]?.bytes ?? [UInt8](repeating: 0, count: sub.bytes.count)
            }
            switch sub.type {
            case OVSTunnelKey.id:
                // Unlike other fields, an absent mask hides tun_id unless verbose (OVS's format_be64).
                let maskValue = subMask.map(be64) ?? 0
                if verbose || maskValue != 0 {
                    out += "tun_id=0x" + String(be64(sub.bytes), radix: 16)
                    if let subMask, maskValue != UInt64.max { out += "/" + hexAlt(be64(subMask)) }
                    out += ","
                }
                flags |= 1 << 3
                if mask != nil { maskFlags |= 1 << 3 }
            case OVSTunnelKey.dontFragment: flags |= 1 << 1
            case OVSTunnelKey.checksum: flags |= 1 << 2
            case OVSTunnelKey.oam: flags |= 1 << 0
            default:
                if let field = FlowKeyLayout.tunnelFields[sub.type], sub.bytes.count == field.size {
                    formatField(field, key: sub.bytes, mask: subMask, verbose: verbose, into: &out)
                } else {
                    out += "key\(sub.type)(" + sub.bytes.map { hex($0, width: 2) }.joined() + "),"
                }
            }
        }
        if let mask {
            for sub in mask.children {
                for flag in FlowKeyLayout.tunnelFlags where flag.attribute == sub.type { maskFlags |= flag.bit }
            }
        }
        if verbose || mask == nil || maskFlags != 0 {
            out += "flags("
            if mask != nil {
                out += maskedFlags(
                    flags, mask: maskFlags & FlowKeyLayout.tunnelFlagMask, max: FlowKeyLayout.tunnelFlagMask,
                    names: FlowKeyLayout.tunnelFlagNames)
            } else {
                out += self.flags(flags, names: FlowKeyLayout.tunnelFlagNames, separator: "|")
            }
            out += "),"
        }
        chomp(&out)
    }

    // MARK: Actions

    /// The actions part; an empty list prints as `drop`.
    public static func formatActions(_ actions: [FlowAction]) -> String {
        guard !actions.isEmpty else { return "drop" }
        return actions.map(formatAction).joined(separator: ",")
    }

    package static func formatAction(_ action: FlowAction) -> String {
        switch action {
        case .output(let port):
            return String(port)
        case .userspace(let pid, let userdata, let egress):
            var out = "userspace(pid=\(pid)"
            if let userdata { out += ",userdata(" + userdata.map { hex($0, width: 2) }.joined() + ")" }
            if let egress { out += ",tunnel_out_port=\(egress)" }
            return out + ")"
        case .set(let attribute):
            var out = "set("
            formatKeyAttribute(attribute, mask: nil, verbose: true, into: &out)
            return out + ")"
        case .setMasked(let key, let mask):
            var out = "set("
            formatKeyAttribute(key, mask: mask, verbose: false, into: &out)
            return out + ")"
        case .pushVLAN(let tpid, let tci):
            var out = "push_vlan("
            if tpid != FlowAction.vlanTPID { out += "tpid=0x" + hex(tpid, width: 4) + "," }
            formatVLANTCI(tci, mask: 0xFFFF, verbose: false, into: &out)
            return out + ")"
        case .popVLAN:
            return "pop_vlan"
        case .recirculate(let id):
            return "recirc(" + hexAlt(UInt64(id)) + ")"
        case .hash(let algorithm, let basis):
            switch algorithm {
            case 0: return "hash(l4(\(basis)))"
            case 1: return "hash(sym_l4(\(basis)))"
            default: return "hash(Unknown hash algorithm(\(algorithm)))"
            }
        case .clone(let actions):
            return "clone(" + formatActions(actions) + ")"
        case .sample(let probability, let actions):
            let percentage = 100.0 * Double(probability) / Double(UInt32.max)
            return "sample(sample=" + formatFixed1(percentage) + "%,actions(" + formatActions(actions) + "))"
        case .unknown(let type, let payload):
            return "action\(type)" + (payload.isEmpty ? "" : "(" + payload.map { hex($0, width: 2) }.joined() + ")")
        }
    }

}

extension Array {
    package subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
