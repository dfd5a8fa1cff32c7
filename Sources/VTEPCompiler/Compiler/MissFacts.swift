/// What earlier flow-table misses taught vtep-kdp, kept so the kernel can
/// answer the same traffic again without an upcall. The upcall handler
/// adds to it; the compiler turns it into flows, and drops whatever the
/// database has made obsolete (an unknown destination that became known,
/// an unbound VLAN that became bound). After a restart it is read back
/// from the kernel's own flows (`MissFacts.recovered`), so nothing is
/// relearned.
public struct MissFacts: Hashable, Sendable {
    /// Inner EtherTypes seen from each local MAC behind a *tagged*
    /// binding: the kernel cannot match a tagged frame without its inner
    /// EtherType (docs/kernel-facts.md), so stage 1 has a flow per type.
    public var taggedEtherTypes: [LocalMAC: Set<UInt16>] = [:]
    /// Unicast destinations no row and no learned MAC claims, by where
    /// they were sent from; each is flooded by a flow of its own.
    public var unknownDestinations: Set<UnknownDestination> = []
    /// Tagged frames on a port and VLAN without a binding, per inner
    /// EtherType: dropped in the kernel.
    public var unboundTagged: Set<UnboundTagged> = []
    /// VNIs arriving over VXLAN that no logical switch here carries: dropped.
    public var unknownVNIs: Set<UInt32> = []
    /// VXLAN of a VNI we carry, from an address the database does not name
    /// as a locator of that VNI (or to an address not ours): dropped.
    public var rejectedTunnels: Set<RejectedTunnel> = []

    /// Facts from their parts; by default, none.
    public init(
        taggedEtherTypes: [LocalMAC: Set<UInt16>] = [:], unknownDestinations: Set<UnknownDestination> = [],
        unboundTagged: Set<UnboundTagged> = [], unknownVNIs: Set<UInt32> = [], rejectedTunnels: Set<RejectedTunnel> = []
    ) {
        self.taggedEtherTypes = taggedEtherTypes
        self.unknownDestinations = unknownDestinations
        self.unboundTagged = unboundTagged
        self.unknownVNIs = unknownVNIs
        self.rejectedTunnels = rejectedTunnels
    }

    /// Whether no miss has taught anything.
    public var isEmpty: Bool {
        taggedEtherTypes.isEmpty && unknownDestinations.isEmpty && unboundTagged.isEmpty && unknownVNIs.isEmpty && rejectedTunnels.isEmpty
    }
    /// The number of facts: each tagged EtherType, unknown destination, unbound
    /// VLAN and EtherType, unknown VNI and rejected tunnel source counts one.
    public var count: Int {
        taggedEtherTypes.values.reduce(0) { $0 + $1.count } + unknownDestinations.count + unboundTagged.count + unknownVNIs.count
            + rejectedTunnels.count
    }
}

/// A unicast MAC sent to inside a logical switch that nobody has claimed;
/// or, with ARP suppression on, broadcast of an EtherType without a flood
/// flow of its own yet (the kernel matches EtherTypes only exactly).
public struct UnknownDestination: Hashable, Sendable, CustomStringConvertible {
    /// The VNI of the logical switch the destination was sent to.
    public var vni: UInt32
    /// The local port it was sent from; nil when it came from a tunnel.
    public var port: String?
    /// The destination MAC nobody claims (the broadcast address, for an EtherType).
    public var mac: EthernetAddress
    /// The EtherType of a broadcast that needs a flood flow of its own; nil for unicast.
    public var etherType: UInt16?

    /// An unknown `mac` in the switch `vni`, sent from `port` (nil: a tunnel),
    /// or broadcast of `etherType`.
    public init(vni: UInt32, port: String?, mac: EthernetAddress, etherType: UInt16? = nil) {
        self.vni = vni
        self.port = port
        self.mac = mac
        self.etherType = etherType
    }

    /// `MAC in VNI N from PORT` (or `from a tunnel`), for the log.
    public var description: String {
        "\(mac)\(etherType.map { " type 0x\(String($0, radix: 16))" } ?? "") in VNI \(vni) from \(port ?? "a tunnel")"
    }
}

/// Tagged frames with one inner EtherType on a port and VLAN that no
/// logical switch is bound to.
public struct UnboundTagged: Hashable, Sendable, CustomStringConvertible {
    /// The Physical_Port the frames arrived on.
    public var port: String
    /// Their VLAN id (never 0: untagged frames on an unbound port are dropped
    /// from the start).
    public var vlan: UInt16
    /// Their inner EtherType, behind the 802.1Q tag.
    public var etherType: UInt16

    /// Tagged frames of `etherType` on `vlan` of `port`.
    public init(port: String, vlan: UInt16, etherType: UInt16) {
        self.port = port
        self.vlan = vlan
        self.etherType = etherType
    }

    /// `PORT vlan N type 0xXXXX`, for the log.
    public var description: String { "\(port) vlan \(vlan) type 0x\(String(etherType, radix: 16))" }
}
