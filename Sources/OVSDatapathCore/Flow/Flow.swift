import CNetlink

/// A kernel flow: what it matches (key and mask), what it does, and what it
/// has seen. The mask is absent for an exact-match flow.
public struct Flow: Hashable, Sendable {
    public var key: [FlowKeyAttribute]
    public var mask: [FlowKeyAttribute]?
    public var actions: [FlowAction]
    public var ufid: FlowUFID?
    public var stats: FlowStats

    public init(
        key: [FlowKeyAttribute], mask: [FlowKeyAttribute]? = nil, actions: [FlowAction],
        ufid: FlowUFID? = nil, stats: FlowStats = FlowStats()
    ) {
        self.key = key
        self.mask = mask
        self.actions = actions
        self.ufid = ufid
        self.stats = stats
    }

    /// A flow as a dump reply carries it. Key, mask or actions may be absent
    /// when the dump asked to omit them.
    package static func decode(_ message: NetlinkMessage) throws(NetlinkDecodingError) -> Flow {
        var reader = try message.genericAttributes(extraHeaderLength: NetlinkLayout.ovsHeaderLength)
        var flow = Flow(key: [], actions: [])
        while let attribute = try reader.next() {
            switch attribute.type {
            case UInt16(OVS_FLOW_ATTR_KEY.rawValue): flow.key = try .decodeKey(attribute.nested)
            case UInt16(OVS_FLOW_ATTR_MASK.rawValue): flow.mask = try .decodeKey(attribute.nested)
            case UInt16(OVS_FLOW_ATTR_ACTIONS.rawValue): flow.actions = try .decode(attribute.nested)
            case UInt16(OVS_FLOW_ATTR_UFID.rawValue): flow.ufid = FlowUFID(bytes: attribute.payload)
            case UInt16(OVS_FLOW_ATTR_STATS.rawValue):
                let raw = try attribute.fixed(ovs_flow_stats.self)
                flow.stats.packets = raw.n_packets
                flow.stats.bytes = raw.n_bytes
            case UInt16(OVS_FLOW_ATTR_USED.rawValue): flow.stats.usedMilliseconds = try attribute.u64()
            case UInt16(OVS_FLOW_ATTR_TCP_FLAGS.rawValue): flow.stats.tcpFlags = try attribute.u8()
            default: break
            }
        }
        return flow
    }

    /// Whether a dumped flow matches its input port exactly, read from the
    /// message without decoding the flow: the key carries IN_PORT and the
    /// mask, if any, leaves none of its 16 port bits out. (A flow installed
    /// without in_port is dumped with IN_PORT 0 under a mask of 0xffff0000.)
    package static func matchesInPort(_ message: NetlinkMessage) throws(NetlinkDecodingError) -> Bool {
        var reader = try message.genericAttributes(extraHeaderLength: NetlinkLayout.ovsHeaderLength)
        var keyHasPort = false, maskCoversPort = true
        while let attribute = try reader.next() {
            switch attribute.type {
            case UInt16(OVS_FLOW_ATTR_KEY.rawValue):
                keyHasPort = try portAttribute(in: attribute.nested) != nil
            case UInt16(OVS_FLOW_ATTR_MASK.rawValue):
                if let port = try portAttribute(in: attribute.nested) { maskCoversPort = try port.u32() & 0xffff == 0xffff }
            default: break
            }
        }
        return keyHasPort && maskCoversPort
    }

    private static func portAttribute(in reader: NetlinkAttributeReader) throws(NetlinkDecodingError) -> NetlinkAttribute? {
        var reader = reader
        while let attribute = try reader.next() {
            if attribute.type == OVSKey.inPort { return attribute }
        }
        return nil
    }
}

/// Packet and byte counts since the flow was installed (or last cleared),
/// the kernel's monotonic millisecond time of its last use, and the TCP
/// flags it has seen. The kernel leaves out zero counters and `used` before
/// the first packet.
public struct FlowStats: Hashable, Sendable {
    public var packets: UInt64 = 0
    public var bytes: UInt64 = 0
    public var usedMilliseconds: UInt64?
    public var tcpFlags: UInt8 = 0
    public init(packets: UInt64 = 0, bytes: UInt64 = 0, usedMilliseconds: UInt64? = nil, tcpFlags: UInt8 = 0) {
        self.packets = packets; self.bytes = bytes; self.usedMilliseconds = usedMilliseconds; self.tcpFlags = tcpFlags
    }
}
