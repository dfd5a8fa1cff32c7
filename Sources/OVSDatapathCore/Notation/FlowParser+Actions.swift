#if canImport(Glibc)
import Glibc
#endif

extension FlowParser {
    // MARK: Actions

    package static func parseAction(_ text: String) throws(FlowNotationError) -> FlowAction {
        if let port = UInt32(text) { return .output(port: port) }
        if text == "pop_vlan" { return .popVLAN }
        let (name, content) = try nameAndContent(text)
        switch name {
        case "recirc":
            return .recirculate(id: UInt32(truncatingIfNeeded: try number(content)))
        case "push_vlan":
            var tpid = FlowAction.vlanTPID
            var rest: [String] = []
            for item in try splitTopLevel(content) {
                if item.hasPrefix("tpid=") {
                    tpid = UInt16(truncatingIfNeeded: try number(String(item.dropFirst(5))))
                } else {
                    rest.append(item)
                }
            }
            let (tci, _) = try parseVLAN(rest.joined(separator: ","))
            return .pushVLAN(tpid: tpid, tci: tci)
        case "set":
            let (innerName, innerContent) = try nameAndContent(content)
            guard let type = FlowKeyLayout.types[innerName] else { throw FlowNotationError("cannot set '\(innerName)'") }
            if type == OVSKey.tunnel {
                return .set(try parseTunnel(innerContent).0)
            }
            let (key, mask) = try parseKeyAttribute(type: type, name: innerName, content: innerContent)
            // The printer writes a full set with every field and a masked set
            // with only the fields it touches; read them back the same way.
            if let mask, FlowFormatter.isExactMask(mask) { return .set(key) }
            return .setMasked(key: key, mask: mask ?? key)
        case "clone":
            return .clone(try parseActions(content))
        case "sample":
            let items = try splitTopLevel(content)
            guard items.count == 2, items[0].hasPrefix("sample="), items[0].hasSuffix("%"), items[1].hasPrefix("actions("),
                let percent = Double(items[0].dropFirst(7).dropLast())
            else {
                throw FlowNotationError("bad sample action '\(text)'")
            }
            let probability = UInt32((percent / 100 * Double(UInt32.max)).rounded())
            return .sample(probability: probability, actions: try parseActions(String(items[1].dropFirst(8).dropLast())))
        case "hash":
            let (algorithmName, basis) = try nameAndContent(content)
            let algorithm: UInt32
            switch algorithmName {
            case "l4": algorithm = 0
            case "sym_l4": algorithm = 1
            default: throw FlowNotationError("unknown hash algorithm '\(algorithmName)'")
            }
            return .hash(algorithm: algorithm, basis: UInt32(truncatingIfNeeded: try number(basis)))
        case "userspace":
            var pid: UInt32?
            var userdata: [UInt8]?
            var egress: UInt32?
            for item in try splitTopLevel(content) {
                if item.hasPrefix("pid=") {
                    pid = UInt32(truncatingIfNeeded: try number(String(item.dropFirst(4))))
                } else if item.hasPrefix("userdata(") {
                    userdata = try hexBytes(String(item.dropFirst(9).dropLast()))
                } else if item.hasPrefix("tunnel_out_port=") {
                    egress = UInt32(truncatingIfNeeded: try number(String(item.dropFirst(16))))
                } else {
                    throw FlowNotationError("unknown userspace option '\(item)'")
                }
            }
            guard let pid else { throw FlowNotationError("userspace(…) needs pid=") }
            return .userspace(pid: pid, userdata: userdata, egressTunnelPort: egress)
        default:
            if name.hasPrefix("action"), let type = UInt16(name.dropFirst(6)) {
                return .unknown(type: type, payload: try hexBytes(content))
            }
            throw FlowNotationError("unknown action '\(text)'")
        }
    }
}
