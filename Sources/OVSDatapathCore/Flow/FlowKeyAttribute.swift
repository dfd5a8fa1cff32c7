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
    public var type: UInt16
    public var value: Value

    public enum Value: Hashable, Sendable {
        case bytes([UInt8])
        /// ENCAP and TUNNEL hold further attributes.
        case nested([FlowKeyAttribute])
    }

    public init(type: UInt16, bytes: [UInt8]) { self.type = type; self.value = .bytes(bytes) }
    public init(type: UInt16, nested: [FlowKeyAttribute]) { self.type = type; self.value = .nested(nested) }

    public var bytes: [UInt8] {
        if case .bytes(let bytes) = value { return bytes }
        return []
    }

    public var children: [FlowKeyAttribute] {
        if case .nested(let children) = value { return children }
        return []
    }
}

/// Attribute numbers of keys, tunnels and actions, as Swift constants.
public enum OVSKey {
    public static let encap = UInt16(OVS_KEY_ATTR_ENCAP.rawValue)
    public static let priority = UInt16(OVS_KEY_ATTR_PRIORITY.rawValue)
    public static let inPort = UInt16(OVS_KEY_ATTR_IN_PORT.rawValue)
    public static let ethernet = UInt16(OVS_KEY_ATTR_ETHERNET.rawValue)
    public static let vlan = UInt16(OVS_KEY_ATTR_VLAN.rawValue)
    public static let ethertype = UInt16(OVS_KEY_ATTR_ETHERTYPE.rawValue)
    public static let ipv4 = UInt16(OVS_KEY_ATTR_IPV4.rawValue)
    public static let ipv6 = UInt16(OVS_KEY_ATTR_IPV6.rawValue)
    public static let tcp = UInt16(OVS_KEY_ATTR_TCP.rawValue)
    public static let udp = UInt16(OVS_KEY_ATTR_UDP.rawValue)
    public static let icmp = UInt16(OVS_KEY_ATTR_ICMP.rawValue)
    public static let icmpv6 = UInt16(OVS_KEY_ATTR_ICMPV6.rawValue)
    public static let arp = UInt16(OVS_KEY_ATTR_ARP.rawValue)
    public static let nd = UInt16(OVS_KEY_ATTR_ND.rawValue)
    public static let skbMark = UInt16(OVS_KEY_ATTR_SKB_MARK.rawValue)
    public static let tunnel = UInt16(OVS_KEY_ATTR_TUNNEL.rawValue)
    public static let sctp = UInt16(OVS_KEY_ATTR_SCTP.rawValue)
    public static let tcpFlags = UInt16(OVS_KEY_ATTR_TCP_FLAGS.rawValue)
    public static let dpHash = UInt16(OVS_KEY_ATTR_DP_HASH.rawValue)
    public static let recircID = UInt16(OVS_KEY_ATTR_RECIRC_ID.rawValue)
    public static let mpls = UInt16(OVS_KEY_ATTR_MPLS.rawValue)
    public static let ctState = UInt16(OVS_KEY_ATTR_CT_STATE.rawValue)
    public static let ctZone = UInt16(OVS_KEY_ATTR_CT_ZONE.rawValue)
    public static let ctMark = UInt16(OVS_KEY_ATTR_CT_MARK.rawValue)
    public static let ctLabels = UInt16(OVS_KEY_ATTR_CT_LABELS.rawValue)
    public static let ctTupleIPv4 = UInt16(OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4.rawValue)
    public static let ctTupleIPv6 = UInt16(OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6.rawValue)
    public static let nsh = UInt16(OVS_KEY_ATTR_NSH.rawValue)
    public static let packetType = UInt16(OVS_KEY_ATTR_PACKET_TYPE.rawValue)
    public static let ndExtensions = UInt16(OVS_KEY_ATTR_ND_EXTENSIONS.rawValue)

    /// Whether an attribute of this type holds attributes rather than bytes.
    public static func isNested(_ type: UInt16) -> Bool { type == encap || type == tunnel || type == nsh }
}

public enum OVSTunnelKey {
    public static let id: UInt16 = 0
    public static let ipv4Source: UInt16 = 1
    public static let ipv4Destination: UInt16 = 2
    public static let tos: UInt16 = 3
    public static let ttl: UInt16 = 4
    public static let dontFragment: UInt16 = 5
    public static let checksum: UInt16 = 6
    public static let oam: UInt16 = 7
    public static let geneveOptions: UInt16 = 8
    public static let transportSource: UInt16 = 9
    public static let transportDestination: UInt16 = 10
    public static let vxlanOptions: UInt16 = 11
    public static let ipv6Source: UInt16 = 12
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
