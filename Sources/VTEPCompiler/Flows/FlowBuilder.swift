import OVSDatapathCore

/// Keys, masks and actions of the pipeline's flows, as kernel attributes.
/// Every flow has recirc_id in key and mask, and an ETHERNET attribute
/// (fully masked where it does not matter), per docs/kernel-facts.md.
struct FlowBuilder {
    var key: [FlowKeyAttribute] = []
    var mask: [FlowKeyAttribute] = []

    init(recirculation: UInt32) {
        append(OVSKey.recircID, Self.u32(recirculation), Self.u32(0xffff_ffff))
    }

    mutating func inPort(_ port: UInt32) {
        append(OVSKey.inPort, Self.u32(port), Self.u32(0xffff_ffff))
    }

    /// `tunnel(tun_id=VNI)`, every other tunnel field wildcarded. The
    /// kernel still wants a non-zero IPv4 destination and a TTL in the key
    /// (EINVAL otherwise): the local tunnel IP and 64, both masked out.
    mutating func tunnelID(_ vni: UInt32, localIP: [UInt8]) {
        key.append(
            FlowKeyAttribute(
                type: OVSKey.tunnel,
                nested: [
                    FlowKeyAttribute(type: OVSTunnelKey.id, bytes: Self.be64(UInt64(vni))),
                    FlowKeyAttribute(type: OVSTunnelKey.ipv4Destination, bytes: localIP),
                    FlowKeyAttribute(type: OVSTunnelKey.ttl, bytes: [64]),
                ]))
        mask.append(
            FlowKeyAttribute(
                type: OVSKey.tunnel,
                nested: [
                    FlowKeyAttribute(type: OVSTunnelKey.id, bytes: Self.be64(.max))
                ]))
    }

    /// `tunnel(tun_id=VNI,src=S,dst=D)`, all three exact: the tunnel
    /// admission match, which lets a VNI in only from the locators the
    /// database names for it and only to our tunnel IP. The TTL the kernel
    /// wants in the key is masked out.
    mutating func tunnel(vni: UInt32, source: [UInt8], destination: [UInt8]) {
        key.append(
            FlowKeyAttribute(
                type: OVSKey.tunnel,
                nested: [
                    FlowKeyAttribute(type: OVSTunnelKey.id, bytes: Self.be64(UInt64(vni))),
                    FlowKeyAttribute(type: OVSTunnelKey.ipv4Source, bytes: source),
                    FlowKeyAttribute(type: OVSTunnelKey.ipv4Destination, bytes: destination),
                    FlowKeyAttribute(type: OVSTunnelKey.ttl, bytes: [64]),
                ]))
        mask.append(
            FlowKeyAttribute(
                type: OVSKey.tunnel,
                nested: [
                    FlowKeyAttribute(type: OVSTunnelKey.id, bytes: Self.be64(.max)),
                    FlowKeyAttribute(type: OVSTunnelKey.ipv4Source, bytes: [0xff, 0xff, 0xff, 0xff]),
                    FlowKeyAttribute(type: OVSTunnelKey.ipv4Destination, bytes: [0xff, 0xff, 0xff, 0xff]),
                ]))
    }

    /// eth(src=…) and/or eth(dst=…[/mask]).
    mutating func ethernet(source: EthernetAddress? = nil, destination: EthernetAddress? = nil, destinationMask: [UInt8]? = nil) {
        let zero = [UInt8](repeating: 0, count: 6), full = [UInt8](repeating: 0xff, count: 6)
        append(
            OVSKey.ethernet,
            (source?.bytes ?? zero) + (destination?.bytes ?? zero),
            (source == nil ? zero : full) + (destination == nil ? zero : (destinationMask ?? full)))
    }

    /// `eth_type(0x8100),vlan(vid=V),encap(eth_type(E))`: the VLAN id exact
    /// (priority bits wildcarded), the inner EtherType exact — the kernel
    /// refuses a tagged match without it. An inner IPv4, IPv6 or ARP header
    /// must also be present in the key (masked out entirely), or the kernel
    /// reports it missing; other EtherTypes needing headers are refused
    /// (nil), as the pipeline has no use for matching them.
    @discardableResult
    mutating func tagged(vlan: UInt16, innerEtherType: UInt16) -> Bool {
        guard let headerType = Self.innerHeader(of: innerEtherType) else { return false }
        append(OVSKey.ethertype, Self.be16(FlowAction.vlanTPID), Self.be16(.max))
        append(OVSKey.vlan, Self.be16(FlowAction.vlanTagPresent | vlan), Self.be16(FlowAction.vlanTagPresent | 0x0fff))
        var inner = [FlowKeyAttribute(type: OVSKey.ethertype, bytes: Self.be16(innerEtherType))]
        var innerMask = [FlowKeyAttribute(type: OVSKey.ethertype, bytes: Self.be16(.max))]
        if let (type, size) = headerType {
            inner.append(FlowKeyAttribute(type: type, bytes: [UInt8](repeating: 0, count: size)))
            innerMask.append(FlowKeyAttribute(type: type, bytes: [UInt8](repeating: 0, count: size)))
        }
        key.append(FlowKeyAttribute(type: OVSKey.encap, nested: inner))
        mask.append(FlowKeyAttribute(type: OVSKey.encap, nested: innerMask))
        return true
    }

    /// The header attribute (type, size) an EtherType obliges a key to
    /// carry; .some(nil) when none; nil for types the pipeline does not match.
    static func innerHeader(of etherType: UInt16) -> (UInt16, Int)?? {
        switch etherType {
        case 0x0800: (OVSKey.ipv4, 12)
        case 0x86dd: (OVSKey.ipv6, 40)
        case 0x0806, 0x8035: (OVSKey.arp, 24)
        case 0x8847, 0x8848, 0x894f, 0x8100, 0x88a8, 0x9100: nil
        case ..<0x0600: nil  // an 802.3 length, not a type: the kernel keys it as 802.2
        default: .some(nil)
        }
    }

    /// Group bit set: broadcast, multicast and (for the BUM flows) nothing else.
    mutating func multicastDestination() {
        var group = [UInt8](repeating: 0, count: 6)
        group[0] = 1
        ethernet(destination: EthernetAddress(group), destinationMask: group)
    }

    func flow(_ actions: [FlowAction]) -> Flow { Flow(key: key, mask: mask, actions: actions) }

    private mutating func append(_ type: UInt16, _ value: [UInt8], _ valueMask: [UInt8]) {
        key.append(FlowKeyAttribute(type: type, bytes: value))
        mask.append(FlowKeyAttribute(type: type, bytes: valueMask))
    }

    static func u32(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value) { Array($0) } }
    static func be16(_ value: UInt16) -> [UInt8] { withUnsafeBytes(of: value.bigEndian) { Array($0) } }
    static func be64(_ value: UInt64) -> [UInt8] { withUnsafeBytes(of: value.bigEndian) { Array($0) } }

    /// `set(tunnel(tun_id=VNI,src=LOCAL,dst=REMOTE,ttl=64,flags(df|key)))`.
    static func setTunnel(vni: UInt32, source: [UInt8], destination: [UInt8]) -> FlowAction {
        .set(
            FlowKeyAttribute(
                type: OVSKey.tunnel,
                nested: [
                    FlowKeyAttribute(type: OVSTunnelKey.id, bytes: be64(UInt64(vni))),
                    FlowKeyAttribute(type: OVSTunnelKey.ipv4Source, bytes: source),
                    FlowKeyAttribute(type: OVSTunnelKey.ipv4Destination, bytes: destination),
                    FlowKeyAttribute(type: OVSTunnelKey.ttl, bytes: [64]),
                    FlowKeyAttribute(type: OVSTunnelKey.dontFragment, bytes: []),
                ]))
    }
}

extension FlowBuilder {
    /// The actions that put an untagged frame out of `binding` (tagged
    /// first when the binding is a VLAN).
    static func deliver(to binding: Binding) -> [FlowAction] {
        guard binding.vlan != 0 else { return [.output(port: binding.portNumber)] }
        return [
            .pushVLAN(tpid: FlowAction.vlanTPID, tci: FlowAction.vlanTagPresent | binding.vlan), .output(port: binding.portNumber),
            .popVLAN,
        ]
    }
}

extension EthernetAddress {
    init(_ bytes: [UInt8]) {
        self.init(bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: ":"))!
    }
}
