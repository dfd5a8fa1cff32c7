import CNetlink

/// A port of a kernel datapath, as the `ovs_vport` family reports it.
public struct Vport: Sendable, Equatable {
    /// Ifindex of the datapath's local port: the datapath the vport belongs to.
    public var datapathIfindex: Int32
    /// The port number, as flows' `in_port` and `output` name it.
    public var portNumber: UInt32
    /// The kind of port: netdev, internal, or a tunnel type.
    public var type: VportType
    /// The port's name; for a netdev port, its network device's name.
    public var name: String
    /// Netlink port ids of the sockets that get this port's upcalls under
    /// per-vport dispatch; unused with per-CPU dispatch.
    public var upcallPIDs: [UInt32]
    /// The port's traffic counters, when the reply carries them.
    public var stats: VportStats?
    /// For tunnel types: the UDP destination port (`OVS_TUNNEL_ATTR_DST_PORT`).
    public var tunnelDestinationPort: UInt16?
    /// The netdev's ifindex, on kernels that report it.
    public var ifindex: Int32?

    /// A vport from its parts; decoding fills them from a reply.
    public init(
        datapathIfindex: Int32, portNumber: UInt32, type: VportType, name: String,
        upcallPIDs: [UInt32] = [], stats: VportStats? = nil, tunnelDestinationPort: UInt16? = nil, ifindex: Int32? = nil
    ) {
        self.datapathIfindex = datapathIfindex
        self.portNumber = portNumber
        self.type = type
        self.name = name
        self.upcallPIDs = upcallPIDs
        self.stats = stats
        self.tunnelDestinationPort = tunnelDestinationPort
        self.ifindex = ifindex
    }

    /// Port 0 of every datapath is its local internal port.
    public static let localPortNumber: UInt32 = 0

    package static func decode(_ message: NetlinkMessage) throws(NetlinkDecodingError) -> Vport {
        let table = try message.genericAttributes(extraHeaderLength: NetlinkLayout.ovsHeaderLength).table()
        var vport = Vport(
            datapathIfindex: message.ovsDatapathIfindex ?? 0,
            portNumber: try table.required(attr(OVS_VPORT_ATTR_PORT_NO), in: "vport").u32(),
            type: VportType(rawValue: try table.required(attr(OVS_VPORT_ATTR_TYPE), in: "vport").u32()),
            name: try table.required(attr(OVS_VPORT_ATTR_NAME), in: "vport").string())
        if let pids = table[attr(OVS_VPORT_ATTR_UPCALL_PID)] { vport.upcallPIDs = try pids.u32Array() }
        if let stats = table[attr(OVS_VPORT_ATTR_STATS)] {
            let raw = try stats.fixed(ovs_vport_stats.self)
            vport.stats = VportStats(
                rxPackets: raw.rx_packets, txPackets: raw.tx_packets, rxBytes: raw.rx_bytes, txBytes: raw.tx_bytes,
                rxErrors: raw.rx_errors, txErrors: raw.tx_errors, rxDropped: raw.rx_dropped, txDropped: raw.tx_dropped)
        }
        if let options = table[attr(OVS_VPORT_ATTR_OPTIONS)] {
            var reader = options.nested
            while let option = try reader.next() {
                if option.type == UInt16(OVS_TUNNEL_ATTR_DST_PORT) { vport.tunnelDestinationPort = try option.u16() }
            }
        }
        if let ifindex = table[attr(OVS_VPORT_ATTR_IFINDEX)] { vport.ifindex = try ifindex.i32() }
        return vport
    }
}

/// `OVS_VPORT_TYPE_*`. Unknown future types survive as their number.
public struct VportType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The `OVS_VPORT_TYPE_*` number.
    public let rawValue: UInt32
    /// The type numbered `rawValue`, known or not.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `OVS_VPORT_TYPE_NETDEV`: an existing network device; `ovs-dpctl show` calls
    /// it `system`.
    public static let netdev = VportType(rawValue: OVS_VPORT_TYPE_NETDEV.rawValue)
    /// `OVS_VPORT_TYPE_INTERNAL`: a netdev the datapath itself implements, such
    /// as port 0.
    public static let `internal` = VportType(rawValue: OVS_VPORT_TYPE_INTERNAL.rawValue)
    /// `OVS_VPORT_TYPE_GRE`: the in-kernel GRE tunnel vport.
    public static let gre = VportType(rawValue: OVS_VPORT_TYPE_GRE.rawValue)
    /// The legacy in-kernel VXLAN vport (slated for removal upstream).
    public static let vxlan = VportType(rawValue: OVS_VPORT_TYPE_VXLAN.rawValue)
    /// `OVS_VPORT_TYPE_GENEVE`: the in-kernel Geneve tunnel vport.
    public static let geneve = VportType(rawValue: OVS_VPORT_TYPE_GENEVE.rawValue)

    /// The names `ovs-dpctl show` uses.
    public var description: String {
        switch self {
        case .netdev: return "system"
        case .internal: return "internal"
        case .gre: return "gre"
        case .vxlan: return "vxlan"
        case .geneve: return "geneve"
        default: return "type\(rawValue)"
        }
    }
}

/// `struct ovs_vport_stats`.
public struct VportStats: Sendable, Equatable {
    public var rxPackets: UInt64, txPackets: UInt64, rxBytes: UInt64, txBytes: UInt64
    public var rxErrors: UInt64, txErrors: UInt64, rxDropped: UInt64, txDropped: UInt64
}

/// What kind of port to create.
public enum VportSpec: Sendable, Equatable {
    /// An existing Ethernet netdev (a NIC, veth end, tap, or the rtnetlink
    /// `vxlan_sys_<port>` device).
    case netdev
    /// A new internal port (a netdev the datapath itself implements).
    case `internal`
    /// The legacy genl VXLAN vport listening on `destinationPort`.
    case legacyVXLAN(destinationPort: UInt16)

    package var type: VportType {
        switch self {
        case .netdev: return .netdev
        case .internal: return .internal
        case .legacyVXLAN: return .vxlan
        }
    }
}
