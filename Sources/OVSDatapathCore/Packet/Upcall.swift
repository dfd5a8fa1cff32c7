import CNetlink

/// A packet the kernel handed to userspace: a flow-table miss, or a
/// `userspace()` action.
public struct Upcall: Sendable, Hashable {
    /// Why the kernel sent the packet up.
    public enum Reason: Sendable, Hashable {
        case miss
        /// A `userspace()` action; `userdata` is its cookie.
        case action(userdata: [UInt8]?)
    }

    /// A miss (`OVS_PACKET_CMD_MISS`) or a `userspace()` action
    /// (`OVS_PACKET_CMD_ACTION`).
    public var reason: Reason
    /// Ifindex of the datapath's local port: the datapath the packet went through.
    public var datapathIfindex: Int32
    /// The flow key the kernel extracted (metadata + headers), unmasked.
    public var key: [FlowKeyAttribute]
    /// The frame, with any VLAN tag re-inserted.
    public var packet: [UInt8]
    /// The original length when the packet was truncated, else nil.
    public var originalLength: UInt32?

    /// The datapath port the packet came in on.
    public var inPort: UInt32? {
        guard let bytes = key[type: OVSKey.inPort]?.bytes, bytes.count == 4 else { return nil }
        return bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
    }

    /// The recirculation id (0 for a packet fresh off a port).
    public var recirculationID: UInt32 {
        guard let bytes = key[type: OVSKey.recircID]?.bytes, bytes.count == 4 else { return 0 }
        return bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
    }

    package static func decode(_ message: NetlinkMessage) throws(NetlinkDecodingError) -> Upcall {
        let command = message.genericCommand
        var reader = try message.genericAttributes(extraHeaderLength: NetlinkLayout.ovsHeaderLength)
        var upcall = Upcall(reason: .miss, datapathIfindex: message.ovsDatapathIfindex ?? 0, key: [], packet: [])
        var userdata: [UInt8]?
        while let attribute = try reader.next() {
            switch attribute.type {
            case UInt16(OVS_PACKET_ATTR_PACKET.rawValue): upcall.packet = Array(attribute.payload)
            case UInt16(OVS_PACKET_ATTR_KEY.rawValue): upcall.key = try .decodeKey(attribute.nested)
            case UInt16(OVS_PACKET_ATTR_USERDATA.rawValue): userdata = Array(attribute.payload)
            case UInt16(OVS_PACKET_ATTR_LEN.rawValue): upcall.originalLength = try attribute.u32()
            default: break
            }
        }
        switch command {
        case UInt8(OVS_PACKET_CMD_MISS.rawValue): upcall.reason = .miss
        case UInt8(OVS_PACKET_CMD_ACTION.rawValue): upcall.reason = .action(userdata: userdata)
        default: throw NetlinkDecodingError(attributeType: nil, reason: "packet message with command \(command.map(String.init) ?? "none")")
        }
        return upcall
    }
}
