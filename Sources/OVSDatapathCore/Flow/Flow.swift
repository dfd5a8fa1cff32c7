import CNetlink

/// A kernel flow: what it matches (key and mask), what it does, and what it
/// has seen. The mask is absent for an exact-match flow.
public struct Flow: Hashable, Sendable {
    /// The key: the values of the fields the flow matches.
    public var key: [FlowKeyAttribute]
    /// The mask: which bits of the key count; nil for an exact match. An
    /// attribute the mask leaves out is wildcarded entirely.
    public var mask: [FlowKeyAttribute]?
    /// What the datapath does with a matching packet, in order; empty drops it.
    public var actions: [FlowAction]
    /// The flow's UFID; nil for a flow installed without one (found by its key).
    public var ufid: FlowUFID?
    /// Counters and last-use time, as the kernel reports them.
    public var stats: FlowStats

    /// A flow from its parts; `stats` only matter for flows read from the kernel.
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
    /// Packets the flow has matched.
    public var packets: UInt64 = 0
    /// Bytes of the packets the flow has matched.
    public var bytes: UInt64 = 0
    /// The last time the flow matched a packet, in the kernel's CLOCK_MONOTONIC
    /// milliseconds (compare with `MonotonicClock.nowMilliseconds()`); nil before
    /// the first packet.
    public var usedMilliseconds: UInt64?
    /// The union of the TCP flags of the packets matched (the low 8 bits).
    public var tcpFlags: UInt8 = 0
    /// Statistics from their parts; the default is a flow that has seen nothing.
    public init(packets: UInt64 = 0, bytes: UInt64 = 0, usedMilliseconds: UInt64? = nil, tcpFlags: UInt8 = 0) {
        self.packets = packets; self.bytes = bytes; self.usedMilliseconds = usedMilliseconds; self.tcpFlags = tcpFlags
    }
}
