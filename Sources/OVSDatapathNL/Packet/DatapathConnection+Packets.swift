import CNetlink
import OVSDatapathCore

extension DatapathConnection {
    /// Runs `actions` on `packet` as if it had arrived with `metadata`
    /// (in_port, skb_mark, tunnel… — only metadata attributes count; the
    /// kernel parses the headers from the packet itself). Used to deliver
    /// the packet that caused an upcall once flows for it are in place.
    public func execute(
        packet: [UInt8], metadata: [FlowKeyAttribute], actions: [FlowAction],
        in datapath: Datapath
    ) throws(NetlinkError) {
        let operation = "execute packet"
        guard !packet.isEmpty else {
            throw NetlinkError(operation: operation, object: datapath.name, cause: .invalidArgument("the packet is empty"))
        }
        var request = self.request(
            families.packet, cmd(OVS_PACKET_CMD_EXECUTE), dpIfindex: datapath.ifindex,
            operation: operation, object: datapath.name)
        request.body.put(attr(OVS_PACKET_ATTR_PACKET), bytes: packet)
        request.body.nest(attr(OVS_PACKET_ATTR_KEY)) { Self.metadataOnly(metadata).encode(into: &$0) }
        request.body.nest(attr(OVS_PACKET_ATTR_ACTIONS)) { actions.encode(into: &$0) }
        try socket.transact(request)
    }

    /// One packet to run actions on (see `execute(packet:metadata:actions:in:)`).
    public struct PacketExecution: Sendable {
        /// The whole frame, as an upcall carried it.
        public var packet: [UInt8]
        /// The metadata it is taken to have arrived with (an upcall's key will do:
        /// only the metadata attributes are sent).
        public var metadata: [FlowKeyAttribute]
        /// What to do with it, as a flow's actions.
        public var actions: [FlowAction]
        /// A packet to run `actions` on, as if it had arrived with `metadata`.
        public init(packet: [UInt8], metadata: [FlowKeyAttribute], actions: [FlowAction]) {
            self.packet = packet
            self.metadata = metadata
            self.actions = actions
        }
    }

    /// Many packets at once, as one netlink batch: a burst of misses is
    /// sent on with a few system calls instead of a round trip each. One
    /// result per packet.
    public func execute(_ executions: [PacketExecution], in datapath: Datapath) -> [Result<Void, NetlinkError>] {
        let operation = "execute packet"
        let requests = executions.map { execution in
            var request = self.request(
                families.packet, cmd(OVS_PACKET_CMD_EXECUTE), dpIfindex: datapath.ifindex,
                operation: operation, object: datapath.name)
            request.body.put(attr(OVS_PACKET_ATTR_PACKET), bytes: execution.packet)
            request.body.nest(attr(OVS_PACKET_ATTR_KEY)) { Self.metadataOnly(execution.metadata).encode(into: &$0) }
            request.body.nest(attr(OVS_PACKET_ATTR_ACTIONS)) { execution.actions.encode(into: &$0) }
            return request
        }
        return socket.batch(requests).map { $0.map { _ in () } }
    }

    /// Upcall keys carry headers too; EXECUTE wants the metadata, and an
    /// ETHERNET attribute so the kernel parses the packet as a frame.
    static func metadataOnly(_ key: [FlowKeyAttribute]) -> [FlowKeyAttribute] {
        let metadata: Set<UInt16> = [
            OVSKey.priority, OVSKey.inPort, OVSKey.skbMark, OVSKey.tunnel,
            OVSKey.dpHash, OVSKey.recircID, OVSKey.ctState, OVSKey.ctZone, OVSKey.ctMark,
            OVSKey.ctLabels,
        ]
        var result = key.filter { metadata.contains($0.type) }
        if result[type: OVSKey.ethernet] == nil {
            result.append(FlowKeyAttribute(type: OVSKey.ethernet, bytes: [UInt8](repeating: 0, count: 12)))
        }
        return result
    }
}
