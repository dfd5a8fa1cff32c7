import CNetlink

/// One attribute of a flow key or mask (`OVS_KEY_ATTR_*`), kept as the
/// kernel's bytes. Key and mask share this shape: a mask attribute holds the
/// mask bits for the key attribute of the same type.
///
/// Keeping bytes rather than one Swift type per attribute lets every
/// attribute the kernel dumps survive a decode/encode round trip — including
/// ones this code does not know — and lets the ovs-dpctl printer and parser
/// work from one table of field layouts (`FlowKeyLayout`).
public struct FlowKeyAttribute: Hashable, Sendable {
    /// The attribute number: an `OVS_KEY_ATTR_*` (see `OVSKey`), or an
    /// `OVS_TUNNEL_KEY_ATTR_*` (see `OVSTunnelKey`) inside a TUNNEL attribute.
    public var type: UInt16
    /// The payload: raw bytes, or the attributes nested inside.
    public var value: Value

    /// An attribute's payload, as the kernel lays it out.
    public enum Value: Hashable, Sendable {
        case bytes([UInt8])
        /// ENCAP and TUNNEL hold further attributes.
        case nested([FlowKeyAttribute])
    }

    /// A leaf attribute holding `bytes`, in the kernel's layout (network byte
    /// order where the uapi says `__be`).
    public init(type: UInt16, bytes: [UInt8]) { self.type = type; self.value = .bytes(bytes) }
    /// A nesting attribute (ENCAP, TUNNEL, NSH) holding `nested`.
    public init(type: UInt16, nested: [FlowKeyAttribute]) { self.type = type; self.value = .nested(nested) }

    /// The payload of a leaf attribute; empty for a nesting one.
    public var bytes: [UInt8] {
        if case .bytes(let bytes) = value { return bytes }
        return []
    }

    /// The attributes inside a nesting attribute; empty for a leaf one.
    public var children: [FlowKeyAttribute] {
        if case .nested(let children) = value { return children }
        return []
    }
}

/// Attribute numbers of keys, tunnels and actions, as Swift constants.
public enum OVSKey {
    /// ENCAP: nests the key of the frame inside an 802.1Q tag.
    public static let encap = UInt16(OVS_KEY_ATTR_ENCAP.rawValue)
    /// PRIORITY: the packet's `skb->priority` (u32).
    public static let priority = UInt16(OVS_KEY_ATTR_PRIORITY.rawValue)
    /// IN_PORT: the datapath port number the packet came in on (u32).
    public static let inPort = UInt16(OVS_KEY_ATTR_IN_PORT.rawValue)
    /// ETHERNET: source then destination MAC (`struct ovs_key_ethernet`).
    public static let ethernet = UInt16(OVS_KEY_ATTR_ETHERNET.rawValue)
    /// VLAN: the 802.1Q TCI (be16), with `FlowAction.vlanTagPresent` set on a
    /// tagged frame.
    public static let vlan = UInt16(OVS_KEY_ATTR_VLAN.rawValue)
    /// ETHERTYPE: the frame's EtherType (be16); the inner one behind a tag.
    public static let ethertype = UInt16(OVS_KEY_ATTR_ETHERTYPE.rawValue)
    /// IPV4: `struct ovs_key_ipv4` (addresses, protocol, TOS, TTL, fragment type).
    public static let ipv4 = UInt16(OVS_KEY_ATTR_IPV4.rawValue)
    /// IPV6: `struct ovs_key_ipv6` (addresses, flow label, protocol, traffic
    /// class, hop limit, fragment type).
    public static let ipv6 = UInt16(OVS_KEY_ATTR_IPV6.rawValue)
    /// TCP: source and destination port (`struct ovs_key_tcp`, be16 each).
    public static let tcp = UInt16(OVS_KEY_ATTR_TCP.rawValue)
    /// UDP: source and destination port (`struct ovs_key_udp`, be16 each).
    public static let udp = UInt16(OVS_KEY_ATTR_UDP.rawValue)
    /// ICMP: type and code (`struct ovs_key_icmp`).
    public static let icmp = UInt16(OVS_KEY_ATTR_ICMP.rawValue)
    /// ICMPV6: type and code (`struct ovs_key_icmpv6`).
    public static let icmpv6 = UInt16(OVS_KEY_ATTR_ICMPV6.rawValue)
    /// ARP: addresses, opcode and hardware addresses (`struct ovs_key_arp`).
    public static let arp = UInt16(OVS_KEY_ATTR_ARP.rawValue)
    /// ND: IPv6 neighbour discovery target and link-layer addresses
    /// (`struct ovs_key_nd`).
    public static let nd = UInt16(OVS_KEY_ATTR_ND.rawValue)
    /// SKB_MARK: the packet's `skb->mark` (u32).
    public static let skbMark = UInt16(OVS_KEY_ATTR_SKB_MARK.rawValue)
    /// TUNNEL: nests the tunnel metadata (`OVSTunnelKey`) of a packet that came
    /// from a tunnel port; in a `set` action, the metadata for the next tunnel
    /// output.
    public static let tunnel = UInt16(OVS_KEY_ATTR_TUNNEL.rawValue)
    /// SCTP: source and destination port (`struct ovs_key_sctp`).
    public static let sctp = UInt16(OVS_KEY_ATTR_SCTP.rawValue)
    /// TCP_FLAGS: the TCP header's flags (be16).
    public static let tcpFlags = UInt16(OVS_KEY_ATTR_TCP_FLAGS.rawValue)
    /// DP_HASH: the hash a `hash` action computed (u32).
    public static let dpHash = UInt16(OVS_KEY_ATTR_DP_HASH.rawValue)
    /// RECIRC_ID: the recirculation id (u32); 0 for a packet fresh from a port.
    /// Every flow of vtep-kdp matches it exactly.
    public static let recircID = UInt16(OVS_KEY_ATTR_RECIRC_ID.rawValue)
    /// MPLS: the label stack entries (`struct ovs_key_mpls`, be32 each).
    public static let mpls = UInt16(OVS_KEY_ATTR_MPLS.rawValue)
    /// CT_STATE: the connection tracker's state bits (u32).
    public static let ctState = UInt16(OVS_KEY_ATTR_CT_STATE.rawValue)
    /// CT_ZONE: the connection tracking zone (u16).
    public static let ctZone = UInt16(OVS_KEY_ATTR_CT_ZONE.rawValue)
    /// CT_MARK: the connection's mark (u32).
    public static let ctMark = UInt16(OVS_KEY_ATTR_CT_MARK.rawValue)
    /// CT_LABELS: the connection's 128-bit labels.
    public static let ctLabels = UInt16(OVS_KEY_ATTR_CT_LABELS.rawValue)
    /// CT_ORIG_TUPLE_IPV4: the tracked connection's original IPv4 5-tuple.
    public static let ctTupleIPv4 = UInt16(OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4.rawValue)
    /// CT_ORIG_TUPLE_IPV6: the tracked connection's original IPv6 5-tuple.
    public static let ctTupleIPv6 = UInt16(OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6.rawValue)
    /// NSH: nests the Network Service Header fields (`OVS_NSH_KEY_ATTR_*`).
    public static let nsh = UInt16(OVS_KEY_ATTR_NSH.rawValue)
    /// PACKET_TYPE: the packet type (be32, namespace << 16 | type), set for
    /// packets without an Ethernet header.
    public static let packetType = UInt16(OVS_KEY_ATTR_PACKET_TYPE.rawValue)
    /// ND_EXTENSIONS: IPv6 neighbour discovery reserved bits and options type.
    public static let ndExtensions = UInt16(OVS_KEY_ATTR_ND_EXTENSIONS.rawValue)

    /// Whether an attribute of this type holds attributes rather than bytes.
    public static func isNested(_ type: UInt16) -> Bool { type == encap || type == tunnel || type == nsh }
}

/// Attribute numbers inside a key's TUNNEL attribute and a `set(tunnel(…))`
/// action (`OVS_TUNNEL_KEY_ATTR_*` in linux/openvswitch.h), as Swift constants.
public enum OVSTunnelKey {
    /// ID: the tunnel id (be64); for VXLAN, the VNI in its low 24 bits.
    public static let id: UInt16 = 0
    /// IPV4_SRC: the outer IPv4 source address (be32).
    public static let ipv4Source: UInt16 = 1
    /// IPV4_DST: the outer IPv4 destination address (be32). The kernel wants a
    /// non-zero one in every tunnel key, even where the mask leaves it out.
    public static let ipv4Destination: UInt16 = 2
    /// TOS: the outer IP TOS byte (u8).
    public static let tos: UInt16 = 3
    /// TTL: the outer IP TTL (u8). The kernel wants one in every tunnel key.
    public static let ttl: UInt16 = 4
    /// DONT_FRAGMENT: flag (no payload): the outer header has DF set.
    public static let dontFragment: UInt16 = 5
    /// CSUM: flag (no payload): the outer UDP checksum is computed.
    public static let checksum: UInt16 = 6
    /// OAM: flag (no payload): the packet is an OAM frame.
    public static let oam: UInt16 = 7
    /// GENEVE_OPTS: Geneve options, as on the wire.
    public static let geneveOptions: UInt16 = 8
    /// TP_SRC: the outer UDP source port (be16).
    public static let transportSource: UInt16 = 9
    /// TP_DST: the outer UDP destination port (be16).
    public static let transportDestination: UInt16 = 10
    /// VXLAN_OPTS: nests VXLAN extension fields (the GBP group policy id).
    public static let vxlanOptions: UInt16 = 11
    /// IPV6_SRC: the outer IPv6 source address (16 bytes).
    public static let ipv6Source: UInt16 = 12
    /// IPV6_DST: the outer IPv6 destination address (16 bytes).
    public static let ipv6Destination: UInt16 = 13
}

extension Array where Element == FlowKeyAttribute {
    /// The first attribute of `type`, as the kernel never repeats one per level.
    public subscript(type type: UInt16) -> FlowKeyAttribute? { first { $0.type == type } }

    /// Netlink encoding, attribute after attribute.
    public func encode(into writer: inout NetlinkAttributeWriter) {
        for attribute in self {
            switch attribute.value {
            case .bytes(let bytes): writer.put(attribute.type, bytes: bytes)
            case .nested(let children): writer.nest(attribute.type) { children.encode(into: &$0) }
            }
        }
    }

    /// Decodes a run of key (or tunnel) attributes; ENCAP and TUNNEL recurse
    /// at the top level, nothing nests inside a tunnel.
    public static func decodeKey(_ reader: NetlinkAttributeReader, nestedTypes: (UInt16) -> Bool = OVSKey.isNested)
        throws(NetlinkDecodingError) -> [FlowKeyAttribute]
    {
        var reader = reader
        var result: [FlowKeyAttribute] = []
        while let attribute = try reader.next() {
            if nestedTypes(attribute.type) {
                result.append(FlowKeyAttribute(type: attribute.type, nested: try decodeKey(attribute.nested) { _ in false }))
            } else {
                result.append(FlowKeyAttribute(type: attribute.type, bytes: [UInt8](attribute.payload)))
            }
        }
        return result
    }
}
