import CNetlink

/// One datapath action (`OVS_ACTION_ATTR_*`). An empty list of actions drops
/// the packet.
public indirect enum FlowAction: Hashable, Sendable {
    case output(port: UInt32)
    /// Send the packet to userspace on the socket `pid`, with an opaque cookie.
    case userspace(pid: UInt32, userdata: [UInt8]?, egressTunnelPort: UInt32?)
    /// Overwrite a key field entirely: `set(tunnel(...))` sets the tunnel
    /// metadata for the next VXLAN output.
    case set(FlowKeyAttribute)
    /// Overwrite masked bits: the key attribute and its mask, same type.
    case setMasked(key: FlowKeyAttribute, mask: FlowKeyAttribute)
    case pushVLAN(tpid: UInt16, tci: UInt16)
    case popVLAN
    case recirculate(id: UInt32)
    /// Compute dp_hash: algorithm 0 = L4, 1 = symmetric L4.
    case hash(algorithm: UInt32, basis: UInt32)
    /// Run the nested actions on a copy of the packet.
    case clone([FlowAction])
    /// With probability `probability`/UInt32.max, run the nested actions.
    case sample(probability: UInt32, actions: [FlowAction])
    /// An action this code does not model, kept as the kernel sent it.
    case unknown(type: UInt16, payload: [UInt8])

    /// `OVS_ACTION_ATTR_OUTPUT`: output to a port (u32 port number).
    public static let outputType = UInt16(OVS_ACTION_ATTR_OUTPUT.rawValue)
    /// `OVS_ACTION_ATTR_USERSPACE`: send to userspace (nested `OVS_USERSPACE_ATTR_*`).
    public static let userspaceType = UInt16(OVS_ACTION_ATTR_USERSPACE.rawValue)
    /// `OVS_ACTION_ATTR_SET`: overwrite a key attribute (nested, one attribute).
    public static let setType = UInt16(OVS_ACTION_ATTR_SET.rawValue)
    /// `OVS_ACTION_ATTR_SET_MASKED`: overwrite masked bits (one attribute: value
    /// then mask).
    public static let setMaskedType = UInt16(OVS_ACTION_ATTR_SET_MASKED.rawValue)
    /// `OVS_ACTION_ATTR_PUSH_VLAN`: push an 802.1Q tag (TPID then TCI, be16 each).
    public static let pushVLANType = UInt16(OVS_ACTION_ATTR_PUSH_VLAN.rawValue)
    /// `OVS_ACTION_ATTR_POP_VLAN`: pop the outermost 802.1Q tag (no payload).
    public static let popVLANType = UInt16(OVS_ACTION_ATTR_POP_VLAN.rawValue)
    /// `OVS_ACTION_ATTR_RECIRC`: look the packet up again under a recirculation id (u32).
    public static let recircType = UInt16(OVS_ACTION_ATTR_RECIRC.rawValue)
    /// `OVS_ACTION_ATTR_HASH`: compute `dp_hash` (algorithm and basis, u32 each).
    public static let hashType = UInt16(OVS_ACTION_ATTR_HASH.rawValue)
    /// `OVS_ACTION_ATTR_CLONE`: run nested actions on a copy of the packet.
    public static let cloneType = UInt16(OVS_ACTION_ATTR_CLONE.rawValue)
    /// `OVS_ACTION_ATTR_SAMPLE`: run nested actions with some probability.
    public static let sampleType = UInt16(OVS_ACTION_ATTR_SAMPLE.rawValue)

    /// 802.1Q.
    public static let vlanTPID: UInt16 = 0x8100
    /// The TCI bit that says a tag is present (CFI/DEI position in OVS's use).
    public static let vlanTagPresent: UInt16 = 0x1000
}

extension Array where Element == FlowAction {
    /// Netlink encoding of the action list, action after action, as an
    /// `OVS_FLOW_ATTR_ACTIONS` or `OVS_PACKET_ATTR_ACTIONS` payload.
    public func encode(into writer: inout NetlinkAttributeWriter) {
        for action in self { action.encode(into: &writer) }
    }

    /// Decodes an action list; actions this code does not model come back as
    /// `.unknown`, so they survive a round trip.
    /// - Throws: `NetlinkDecodingError` when a known action is malformed.
    public static func decode(_ reader: NetlinkAttributeReader) throws(NetlinkDecodingError) -> [FlowAction] {
        var reader = reader
        var result: [FlowAction] = []
        while let attribute = try reader.next() { result.append(try FlowAction.decode(attribute)) }
        return result
    }
}

extension FlowAction {
    /// Appends the action as one `OVS_ACTION_ATTR_*` attribute.
    public func encode(into writer: inout NetlinkAttributeWriter) {
        switch self {
        case .output(let port):
            writer.put(Self.outputType, u32: port)
        case .userspace(let pid, let userdata, let egress):
            writer.nest(Self.userspaceType) { nested in
                nested.put(UInt16(OVS_USERSPACE_ATTR_PID.rawValue), u32: pid)
                if let userdata { nested.put(UInt16(OVS_USERSPACE_ATTR_USERDATA.rawValue), bytes: userdata) }
                if let egress { nested.put(UInt16(OVS_USERSPACE_ATTR_EGRESS_TUN_PORT.rawValue), u32: egress) }
            }
        case .set(let attribute):
            writer.nest(Self.setType) { [attribute].encode(into: &$0) }
        case .setMasked(let key, let mask):
            writer.put(Self.setMaskedType, bytes: Self.maskedSetPayload(key: key, mask: mask))
        case .pushVLAN(let tpid, let tci):
            var payload: [UInt8] = []
            withUnsafeBytes(of: tpid.bigEndian) { payload.append(contentsOf: $0) }
            withUnsafeBytes(of: tci.bigEndian) { payload.append(contentsOf: $0) }
            writer.put(Self.pushVLANType, bytes: payload)
        case .popVLAN:
            writer.putFlag(Self.popVLANType)
        case .recirculate(let id):
            writer.put(Self.recircType, u32: id)
        case .hash(let algorithm, let basis):
            var payload: [UInt8] = []
            withUnsafeBytes(of: algorithm) { payload.append(contentsOf: $0) }
            withUnsafeBytes(of: basis) { payload.append(contentsOf: $0) }
            writer.put(Self.hashType, bytes: payload)
        case .clone(let actions):
            writer.nest(Self.cloneType) { actions.encode(into: &$0) }
        case .sample(let probability, let actions):
            writer.nest(Self.sampleType) { nested in
                nested.put(UInt16(OVS_SAMPLE_ATTR_PROBABILITY.rawValue), u32: probability)
                nested.nest(UInt16(OVS_SAMPLE_ATTR_ACTIONS.rawValue)) { actions.encode(into: &$0) }
            }
        case .unknown(let type, let payload):
            writer.put(type, bytes: payload)
        }
    }

    /// SET_MASKED carries one key attribute whose payload is value then mask.
    package static func maskedSetPayload(key: FlowKeyAttribute, mask: FlowKeyAttribute) -> [UInt8] {
        var inner = NetlinkAttributeWriter()
        inner.put(key.type, bytes: key.bytes + mask.bytes)
        return inner.bytes
    }

    package static func decode(_ attribute: NetlinkAttribute) throws(NetlinkDecodingError) -> FlowAction {
        switch attribute.type {
        case outputType:
            return .output(port: try attribute.u32())
        case userspaceType:
            let table = try attribute.nested.table()
            return .userspace(
                pid: try table.required(UInt16(OVS_USERSPACE_ATTR_PID.rawValue), in: "userspace action").u32(),
                userdata: table[UInt16(OVS_USERSPACE_ATTR_USERDATA.rawValue)].map { Array($0.payload) },
                egressTunnelPort: try table[UInt16(OVS_USERSPACE_ATTR_EGRESS_TUN_PORT.rawValue)]?.u32())
        case setType:
            let inner = try [FlowKeyAttribute].decodeKey(attribute.nested)
            guard inner.count == 1 else {
                throw NetlinkDecodingError(attributeType: setType, reason: "set action holds \(inner.count) attributes")
            }
            return .set(inner[0])
        case setMaskedType:
            var reader = attribute.nested
            guard let inner = try reader.next(), inner.payload.count % 2 == 0 else {
                throw NetlinkDecodingError(attributeType: setMaskedType, reason: "masked set without an even-sized key")
            }
            let half = inner.payload.count / 2
            let bytes = Array(inner.payload)
            return .setMasked(
                key: FlowKeyAttribute(type: inner.type, bytes: Array(bytes[..<half])),
                mask: FlowKeyAttribute(type: inner.type, bytes: Array(bytes[half...])))
        case pushVLANType:
            guard attribute.payload.count == 4 else {
                throw NetlinkDecodingError(attributeType: pushVLANType, reason: "push_vlan of \(attribute.payload.count) bytes")
            }
            let (tpid, tci) = attribute.payload.withUnsafeBytes {
                (
                    UInt16(bigEndian: $0.loadUnaligned(fromByteOffset: 0, as: UInt16.self)),
                    UInt16(bigEndian: $0.loadUnaligned(fromByteOffset: 2, as: UInt16.self))
                )
            }
            return .pushVLAN(tpid: tpid, tci: tci)
        case popVLANType:
            return .popVLAN
        case recircType:
            return .recirculate(id: try attribute.u32())
        case hashType:
            guard attribute.payload.count == 8 else {
                throw NetlinkDecodingError(attributeType: hashType, reason: "hash of \(attribute.payload.count) bytes")
            }
            let (algorithm, basis) = attribute.payload.withUnsafeBytes {
                ($0.loadUnaligned(fromByteOffset: 0, as: UInt32.self), $0.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
            }
            return .hash(algorithm: algorithm, basis: basis)
        case cloneType:
            return .clone(try [FlowAction].decode(attribute.nested))
        case sampleType:
            let table = try attribute.nested.table()
            let probability = try table.required(UInt16(OVS_SAMPLE_ATTR_PROBABILITY.rawValue), in: "sample action").u32()
            let actions =
                try table[UInt16(OVS_SAMPLE_ATTR_ACTIONS.rawValue)].map { (a) throws(NetlinkDecodingError) in
                    try [FlowAction].decode(a.nested)
                } ?? []
            return .sample(probability: probability, actions: actions)
        default:
            return .unknown(type: attribute.type, payload: Array(attribute.payload))
        }
    }
}
