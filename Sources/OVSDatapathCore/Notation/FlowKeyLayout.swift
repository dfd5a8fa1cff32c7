/// The fields inside fixed-size key attributes, in the order ovs-dpctl
/// prints them. The printer and the parser both read this one table, so what
/// one writes the other reads.
package enum FlowFieldKind {
    case ethernetAddress  // xx:xx:xx:xx:xx:xx
    case ipv4Address  // a.b.c.d
    case ipv6Address  // inet_ntop
    case decimal8  // %u
    case hex8  // %#x
    case decimal16  // big-endian, %u
    case hex16  // big-endian, %#x
    case ipv6Label  // big-endian u32, %#x, 20 significant bits
    case fragment  // no / first / later
    case hex64  // big-endian, 0x%x
}

package struct FlowField {
    package let name: String
    package let offset: Int
    package let size: Int
    package let kind: FlowFieldKind
}

package enum FlowKeyLayout {
    /// Field layouts of the fixed-size key attributes.
    package static let fields: [UInt16: [FlowField]] = [
        OVSKey.ethernet: [
            FlowField(name: "src", offset: 0, size: 6, kind: .ethernetAddress),
            FlowField(name: "dst", offset: 6, size: 6, kind: .ethernetAddress),
        ],
        OVSKey.ipv4: [
            FlowField(name: "src", offset: 0, size: 4, kind: .ipv4Address),
            FlowField(name: "dst", offset: 4, size: 4, kind: .ipv4Address),
            FlowField(name: "proto", offset: 8, size: 1, kind: .decimal8),
            FlowField(name: "tos", offset: 9, size: 1, kind: .hex8),
            FlowField(name: "ttl", offset: 10, size: 1, kind: .decimal8),
            FlowField(name: "frag", offset: 11, size: 1, kind: .fragment),
        ],
        OVSKey.ipv6: [
            FlowField(name: "src", offset: 0, size: 16, kind: .ipv6Address),
            FlowField(name: "dst", offset: 16, size: 16, kind: .ipv6Address),
            FlowField(name: "label", offset: 32, size: 4, kind: .ipv6Label),
            FlowField(name: "proto", offset: 36, size: 1, kind: .decimal8),
            FlowField(name: "tclass", offset: 37, size: 1, kind: .hex8),
            FlowField(name: "hlimit", offset: 38, size: 1, kind: .decimal8),
            FlowField(name: "frag", offset: 39, size: 1, kind: .fragment),
        ],
        OVSKey.tcp: ports, OVSKey.udp: ports, OVSKey.sctp: ports,
        OVSKey.icmp: icmp, OVSKey.icmpv6: icmp,
        OVSKey.arp: [
            FlowField(name: "sip", offset: 0, size: 4, kind: .ipv4Address),
            FlowField(name: "tip", offset: 4, size: 4, kind: .ipv4Address),
            FlowField(name: "op", offset: 8, size: 2, kind: .decimal16),
            FlowField(name: "sha", offset: 10, size: 6, kind: .ethernetAddress),
            FlowField(name: "tha", offset: 16, size: 6, kind: .ethernetAddress),
        ],
        OVSKey.nd: [
            FlowField(name: "target", offset: 0, size: 16, kind: .ipv6Address),
            FlowField(name: "sll", offset: 16, size: 6, kind: .ethernetAddress),
            FlowField(name: "tll", offset: 22, size: 6, kind: .ethernetAddress),
        ],
        OVSKey.ctTupleIPv4: [
            FlowField(name: "src", offset: 0, size: 4, kind: .ipv4Address),
            FlowField(name: "dst", offset: 4, size: 4, kind: .ipv4Address),
            FlowField(name: "proto", offset: 12, size: 1, kind: .decimal8),
            FlowField(name: "tp_src", offset: 8, size: 2, kind: .decimal16),
            FlowField(name: "tp_dst", offset: 10, size: 2, kind: .decimal16),
        ],
    ]

    package static let ports = [
        FlowField(name: "src", offset: 0, size: 2, kind: .decimal16),
        FlowField(name: "dst", offset: 2, size: 2, kind: .decimal16),
    ]
    package static let icmp = [
        FlowField(name: "type", offset: 0, size: 1, kind: .decimal8),
        FlowField(name: "code", offset: 1, size: 1, kind: .decimal8),
    ]

    /// Sizes of the attributes the kernel requires exactly (0 = flag, nil =
    /// nested or variable).
    package static let sizes: [UInt16: Int] = [
        OVSKey.priority: 4, OVSKey.inPort: 4, OVSKey.ethernet: 12, OVSKey.vlan: 2, OVSKey.ethertype: 2,
        OVSKey.ipv4: 12, OVSKey.ipv6: 40, OVSKey.tcp: 4, OVSKey.udp: 4, OVSKey.icmp: 2, OVSKey.icmpv6: 2,
        OVSKey.arp: 24, OVSKey.nd: 28, OVSKey.skbMark: 4, OVSKey.sctp: 4, OVSKey.tcpFlags: 2,
        OVSKey.dpHash: 4, OVSKey.recircID: 4, OVSKey.ctState: 4, OVSKey.ctZone: 2, OVSKey.ctMark: 4,
        OVSKey.ctLabels: 16, OVSKey.ctTupleIPv4: 13, OVSKey.ctTupleIPv6: 40, OVSKey.packetType: 4,
    ]

    /// Names ovs-dpctl gives key attributes.
    package static let names: [UInt16: String] = [
        0: "unspec", OVSKey.encap: "encap", OVSKey.priority: "skb_priority", OVSKey.skbMark: "skb_mark",
        OVSKey.ctState: "ct_state", OVSKey.ctZone: "ct_zone", OVSKey.ctMark: "ct_mark", OVSKey.ctLabels: "ct_label",
        OVSKey.ctTupleIPv4: "ct_tuple4", OVSKey.ctTupleIPv6: "ct_tuple6", OVSKey.tunnel: "tunnel",
        OVSKey.inPort: "in_port", OVSKey.ethernet: "eth", OVSKey.vlan: "vlan", OVSKey.ethertype: "eth_type",
        OVSKey.ipv4: "ipv4", OVSKey.ipv6: "ipv6", OVSKey.tcp: "tcp", OVSKey.tcpFlags: "tcp_flags",
        OVSKey.udp: "udp", OVSKey.sctp: "sctp", OVSKey.icmp: "icmp", OVSKey.icmpv6: "icmpv6", OVSKey.arp: "arp",
        OVSKey.nd: "nd", OVSKey.ndExtensions: "nd_ext", OVSKey.mpls: "mpls", OVSKey.dpHash: "dp_hash",
        OVSKey.recircID: "recirc_id", OVSKey.packetType: "packet_type", OVSKey.nsh: "nsh",
    ]

    package static func name(_ type: UInt16) -> String { names[type] ?? "key\(type)" }
    package static let types: [String: UInt16] = Dictionary(uniqueKeysWithValues: names.map { ($1, $0) })

    /// Tunnel sub-attributes that carry a value, by type.
    package static let tunnelFields: [UInt16: FlowField] = [
        OVSTunnelKey.id: FlowField(name: "tun_id", offset: 0, size: 8, kind: .hex64),
        OVSTunnelKey.ipv4Source: FlowField(name: "src", offset: 0, size: 4, kind: .ipv4Address),
        OVSTunnelKey.ipv4Destination: FlowField(name: "dst", offset: 0, size: 4, kind: .ipv4Address),
        OVSTunnelKey.ipv6Source: FlowField(name: "ipv6_src", offset: 0, size: 16, kind: .ipv6Address),
        OVSTunnelKey.ipv6Destination: FlowField(name: "ipv6_dst", offset: 0, size: 16, kind: .ipv6Address),
        OVSTunnelKey.tos: FlowField(name: "tos", offset: 0, size: 1, kind: .hex8),
        OVSTunnelKey.ttl: FlowField(name: "ttl", offset: 0, size: 1, kind: .decimal8),
        OVSTunnelKey.transportSource: FlowField(name: "tp_src", offset: 0, size: 2, kind: .decimal16),
        OVSTunnelKey.transportDestination: FlowField(name: "tp_dst", offset: 0, size: 2, kind: .decimal16),
    ]
    /// The order ovs-dpctl's parser expects tunnel fields in (and the kernel dumps them).
    package static let tunnelFieldOrder: [UInt16] = [
        OVSTunnelKey.id, OVSTunnelKey.ipv4Source, OVSTunnelKey.ipv4Destination, OVSTunnelKey.ipv6Source,
        OVSTunnelKey.ipv6Destination, OVSTunnelKey.tos, OVSTunnelKey.ttl, OVSTunnelKey.transportSource,
        OVSTunnelKey.transportDestination,
    ]

    /// Tunnel flag bits in OVS's FLOW_TNL_F_* order (printing goes lowest bit first).
    package static let tunnelFlags: [(bit: UInt32, name: String, attribute: UInt16?)] = [
        (1 << 0, "oam", OVSTunnelKey.oam),
        (1 << 1, "df", OVSTunnelKey.dontFragment),
        (1 << 2, "csum", OVSTunnelKey.checksum),
        (1 << 3, "key", nil),
    ]
    package static let tunnelFlagMask: UInt32 = 0xF
    package static let tunnelFlagNames: [UInt32: String] = Dictionary(uniqueKeysWithValues: tunnelFlags.map { ($0.bit, $0.name) })

    package static let tcpFlagNames: [UInt32: String] = [
        0x001: "fin", 0x002: "syn", 0x004: "rst", 0x008: "psh", 0x010: "ack", 0x020: "urg",
        0x040: "ece", 0x080: "cwr", 0x100: "ns", 0x200: "[200]", 0x400: "[400]", 0x800: "[800]",
    ]
    package static let ctStateNames: [UInt32: String] = [
        0x01: "new", 0x02: "est", 0x04: "rel", 0x08: "rpl", 0x10: "inv", 0x20: "trk", 0x40: "snat", 0x80: "dnat",
    ]
}
