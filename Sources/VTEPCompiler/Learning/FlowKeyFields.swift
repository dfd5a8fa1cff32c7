import OVSDatapathCore

/// The few header fields the learning path reads from a flow key (an
/// upcall's, or a dumped flow's key and mask), decoded once.
struct FlowKeyFields {
    var recirculationID: UInt32 = 0
    var inPort: UInt32?
    var source: EthernetAddress?
    var destination: EthernetAddress?
    /// Whether the Ethernet addresses are matched (a dumped flow's mask); always true for an upcall.
    var sourceMatched = true, destinationMatched = true
    /// The 802.1Q VLAN id, when the frame is tagged.
    var vlan: UInt16?
    /// The EtherType inside the tag, or the frame's own when untagged.
    var etherType: UInt16?
    /// `tun_id` of a frame that came from a tunnel.
    var tunnelID: UInt64?
    /// The outer IPv4 source and destination of a frame from a tunnel.
    var tunnelSource: [UInt8]?, tunnelDestination: [UInt8]?
    /// Whether the outer source is matched (a dumped flow's mask); always true for an upcall.
    var tunnelSourceMatched = true
    /// An ARP request or reply's sender: its protocol (IPv4) and hardware addresses.
    var arpSender: (ip: [UInt8], hardware: EthernetAddress)?

    init(key: [FlowKeyAttribute], mask: [FlowKeyAttribute]? = nil) {
        if let bytes = key[type: OVSKey.recircID]?.bytes, bytes.count == 4 { recirculationID = Self.u32(bytes) }
        if let bytes = key[type: OVSKey.inPort]?.bytes, bytes.count == 4 {
            let portMask = mask?[type: OVSKey.inPort]?.bytes
            if portMask == nil || mask == nil || (portMask!.count == 4 && Self.u32(portMask!) & 0xffff == 0xffff) {
                inPort = Self.u32(bytes)
            }
        }
        if let bytes = key[type: OVSKey.ethernet]?.bytes, bytes.count == 12 {
            source = EthernetAddress(Array(bytes[0..<6]))
            destination = EthernetAddress(Array(bytes[6..<12]))
            if let mask {
                let maskBytes = mask[type: OVSKey.ethernet]?.bytes ?? []
                sourceMatched = maskBytes.count == 12 && maskBytes[0..<6].allSatisfy { $0 == 0xff }
                destinationMatched = maskBytes.count == 12 && maskBytes[6..<12].allSatisfy { $0 == 0xff }
            }
        }
        var layer3 = key
        if let tci = key[type: OVSKey.vlan]?.bytes, tci.count == 2 {
            vlan = (UInt16(tci[0]) << 8 | UInt16(tci[1])) & 0x0fff
            layer3 = key[type: OVSKey.encap]?.children ?? []
            if let inner = layer3[type: OVSKey.ethertype]?.bytes, inner.count == 2 {
                etherType = UInt16(inner[0]) << 8 | UInt16(inner[1])
            }
        } else if let type = key[type: OVSKey.ethertype]?.bytes, type.count == 2 {
            etherType = UInt16(type[0]) << 8 | UInt16(type[1])
        }
        // struct ovs_key_arp: sip, tip, op (1 request, 2 reply), sha, tha.
        if etherType == 0x0806, let arp = layer3[type: OVSKey.arp]?.bytes, arp.count >= 22, arp[8] == 0, arp[9] == 1 || arp[9] == 2 {
            arpSender = (Array(arp[0..<4]), EthernetAddress(Array(arp[10..<16])))
        }
        if let tunnel = key[type: OVSKey.tunnel]?.children {
            if let id = tunnel[type: OVSTunnelKey.id]?.bytes, id.count == 8 { tunnelID = id.reduce(0) { $0 << 8 | UInt64($1) } }
            if let bytes = tunnel[type: OVSTunnelKey.ipv4Source]?.bytes, bytes.count == 4 { tunnelSource = bytes }
            if let bytes = tunnel[type: OVSTunnelKey.ipv4Destination]?.bytes, bytes.count == 4 { tunnelDestination = bytes }
            if let mask {
                let sourceMask = mask[type: OVSKey.tunnel]?.children[type: OVSTunnelKey.ipv4Source]?.bytes
                tunnelSourceMatched = sourceMask == [0xff, 0xff, 0xff, 0xff]
            }
        }
    }

    private static func u32(_ bytes: [UInt8]) -> UInt32 { bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) } }
}
