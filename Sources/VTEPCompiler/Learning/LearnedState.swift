import VTEPModel

/// What vtep-kdp has learned from traffic: local MACs (one place per MAC
/// and logical switch, so a MAC seen elsewhere moves) and the other facts
/// misses revealed. Bounded: past `limits`, new entries are refused and
/// the switch is reported as full (`mac_table_exhaustion`).
public struct LearnedState: Sendable {
    /// How much `LearnedState` keeps before it refuses new entries.
    public struct Limits: Sendable {
        /// Learned MACs per logical switch.
        public var macsPerSwitch: Int
        /// Unknown destinations and unbound VLANs together.
        public var facts: Int
        /// Foreign VNIs and rejected tunnel sources together: what any host
        /// on the underlay can make us remember. A budget of its own, so a
        /// rogue sender cannot use up `facts` (and with it the flooding of
        /// local unknown unicast); past it, such frames are dropped in
        /// userspace, rate-limited like every miss.
        public var tunnelFacts: Int
        /// Inner EtherTypes per MAC behind a tagged binding. The kernel needs
        /// a stage-1 flow per inner EtherType of a tagged frame, so a VM
        /// sending 3,000 EtherTypes made 3,000 flows; each type past the
        /// first also counts against `macsPerSwitch`.
        public var etherTypesPerMAC: Int
        /// Learned MACs behind one physical port, all its VLANs together: so
        /// that one port flooding new sources cannot fill its switches'
        /// tables for the others. A full table refuses a new MAC rather than
        /// evicting an old one (the refused MAC's frames still go on).
        public var macsPerPort: Int
        /// IPv4 addresses kept per learned MAC (`Ucast_Macs_Local.ipaddr`,
        /// one row each); past it, the oldest gives way to the newest.
        public var addressesPerMAC = 4
        /// Limits of `macsPerSwitch` learned MACs per logical switch (`--mac-limit`),
        /// `macsPerPort` per physical port (`--mac-limit-per-port`), `facts` other
        /// facts, `tunnelFacts` dropped tunnel senders and `etherTypesPerMAC` inner
        /// EtherTypes per tagged MAC.
        public init(
            macsPerSwitch: Int = 50_000, facts: Int = 10_000, etherTypesPerMAC: Int = 8, macsPerPort: Int = 10_000,
            tunnelFacts: Int = 1_024
        ) {
            self.macsPerSwitch = macsPerSwitch
            self.facts = facts
            self.tunnelFacts = tunnelFacts
            self.etherTypesPerMAC = etherTypesPerMAC
            self.macsPerPort = macsPerPort
        }
    }

    struct Place: Hashable { var vni: UInt32; var mac: EthernetAddress }

    /// The bounds this state enforces.
    public let limits: Limits
    private var macs: [Place: LocalMAC] = [:]
    /// Per logical switch: its learned MACs, plus their tagged EtherTypes past the first.
    private var perSwitch: [UInt32: Int] = [:]
    /// Per physical port: the MACs learned behind it.
    private var perPort: [String: Int] = [:]
    /// Everything misses taught besides the MACs themselves: tagged EtherTypes,
    /// unknown destinations, unbound VLANs, unknown VNIs.
    public private(set) var facts = MissFacts()
    /// VNIs whose MAC table is full.
    public private(set) var exhausted: Set<UInt32> = []
    /// The IPv4 addresses each learned MAC announced (ARP), oldest first.
    private var addresses: [Place: [[UInt8]]] = [:]

    /// Nothing learned yet, bounded by `limits`.
    public init(limits: Limits = Limits()) { self.limits = limits }

    /// Every learned MAC with the binding it sits behind.
    public var localMACs: [LocalMAC] { Array(macs.values) }
    /// Each learned MAC with the VNI of the switch it was learned in.
    public var entries: [(local: LocalMAC, vni: UInt32)] { macs.map { ($0.value, $0.key.vni) } }
    /// The number of learned MACs, across all logical switches.
    public var macCount: Int { macs.count }
    /// The facts `limits.facts` bounds (tagged EtherTypes go with their MAC).
    var boundedFactCount: Int { facts.unknownDestinations.count + facts.unboundTagged.count }
    /// The facts `limits.tunnelFacts` bounds.
    var tunnelFactCount: Int { facts.unknownVNIs.count + facts.rejectedTunnels.count }

    /// The local MAC's place in the switch `vni`, if learned.
    public func localMAC(_ mac: EthernetAddress, vni: UInt32) -> LocalMAC? { macs[Place(vni: vni, mac: mac)] }

    /// What `apply(_:)` did to the learned state.
    public enum Change: Equatable, Sendable {
        case unchanged
        case added
        /// The MAC was learned elsewhere before.
        case moved(from: LocalMAC)
        /// Refused: a limit was reached.
        case refused
    }

    /// Applies a decision; says whether the desired flows changed.
    @discardableResult
    public mutating func apply(_ decision: MissDecision) -> Change {
        switch decision {
        case .learn(let local, let vni, let etherType):
            let place = Place(vni: vni, mac: local.mac)
            var change = Change.unchanged
            if let old = macs[place], old != local {
                if old.port != local.port {
                    guard perPort[local.port, default: 0] < limits.macsPerPort else { return .refused }
                    perPort[old.port, default: 1] -= 1
                    perPort[local.port, default: 0] += 1
                }
                perSwitch[vni, default: 0] -= extraEtherTypes(of: old)
                facts.taggedEtherTypes[old] = nil
                macs[place] = local
                change = .moved(from: old)
            } else if macs[place] == nil {
                guard perSwitch[vni, default: 0] < limits.macsPerSwitch else {
                    exhausted.insert(vni)
                    return .refused
                }
                guard perPort[local.port, default: 0] < limits.macsPerPort else { return .refused }
                macs[place] = local
                perSwitch[vni, default: 0] += 1
                perPort[local.port, default: 0] += 1
                change = .added
            }
            if let etherType, facts.taggedEtherTypes[local]?.contains(etherType) != true {
                let known = facts.taggedEtherTypes[local]?.count ?? 0
                if known > 0 {
                    // Another stage-1 flow for the same MAC: within the MAC's cap and the switch's budget.
                    guard known < limits.etherTypesPerMAC, perSwitch[vni, default: 0] < limits.macsPerSwitch else {
                        exhausted.insert(vni)
                        return change == .unchanged ? .refused : change
                    }
                    perSwitch[vni, default: 0] += 1
                }
                facts.taggedEtherTypes[local, default: []].insert(etherType)
                if change == .unchanged { change = .added }
            }
            return change
        case .unknownDestination(let unknown):
            guard !facts.unknownDestinations.contains(unknown) else { return .unchanged }
            guard boundedFactCount < limits.facts else { return .refused }
            facts.unknownDestinations.insert(unknown)
            return .added
        case .unboundTagged(let unbound):
            guard !facts.unboundTagged.contains(unbound) else { return .unchanged }
            guard boundedFactCount < limits.facts else { return .refused }
            facts.unboundTagged.insert(unbound)
            return .added
        case .unknownVNI(let vni):
            guard !facts.unknownVNIs.contains(vni) else { return .unchanged }
            guard tunnelFactCount < limits.tunnelFacts else { return .refused }
            facts.unknownVNIs.insert(vni)
            return .added
        case .rejectedTunnel(let rejected):
            guard !facts.rejectedTunnels.contains(rejected) else { return .unchanged }
            guard tunnelFactCount < limits.tunnelFacts else { return .refused }
            facts.rejectedTunnels.insert(rejected)
            return .added
        case .ignore:
            return .unchanged
        }
    }

    /// Forgets a local MAC (aged out, or its binding went away).
    public mutating func forget(_ mac: EthernetAddress, vni: UInt32) {
        let place = Place(vni: vni, mac: mac)
        guard let old = macs.removeValue(forKey: place) else { return }
        addresses[place] = nil
        perSwitch[vni, default: 1] -= 1 + extraEtherTypes(of: old)
        perPort[old.port, default: 1] -= 1
        facts.taggedEtherTypes[old] = nil
        exhausted.remove(vni)
    }

    /// Notes that the learned `mac` of switch `vni` announced `ip`; says
    /// whether that is news. A MAC not learned (refused, or forgotten) gets none.
    public mutating func noteAddress(_ ip: [UInt8], of mac: EthernetAddress, vni: UInt32) -> Bool {
        let place = Place(vni: vni, mac: mac)
        guard macs[place] != nil, addresses[place]?.contains(ip) != true else { return false }
        addresses[place, default: []].append(ip)
        if addresses[place]!.count > limits.addressesPerMAC { addresses[place]!.removeFirst() }
        return true
    }

    /// Every learned MAC that announced addresses, with them (4 bytes each, oldest first).
    public var announcedAddresses: [(vni: UInt32, mac: EthernetAddress, addresses: [[UInt8]])] {
        addresses.map { ($0.key.vni, $0.key.mac, $0.value) }
    }

    /// The IPv4 addresses (4 bytes each) learned `mac` of switch `vni` announced, oldest first.
    public func addresses(of mac: EthernetAddress, vni: UInt32) -> [[UInt8]] { addresses[Place(vni: vni, mac: mac)] ?? [] }

    /// The tagged EtherTypes of `local` past its first: what it costs the
    /// switch's budget besides the MAC itself.
    private func extraEtherTypes(of local: LocalMAC) -> Int {
        max((facts.taggedEtherTypes[local]?.count ?? 0) - 1, 0)
    }

    /// The number of entries counted against switch `vni`'s budget.
    public func budgetUsed(vni: UInt32) -> Int { perSwitch[vni, default: 0] }

    /// The number of MACs learned behind physical port `port`.
    public func macCount(port: String) -> Int { perPort[port, default: 0] }

    /// Forgets a remembered miss (its flow went idle).
    public mutating func forget(_ decision: MissDecision) {
        switch decision {
        case .unknownDestination(let unknown): facts.unknownDestinations.remove(unknown)
        case .unboundTagged(let unbound): facts.unboundTagged.remove(unbound)
        case .unknownVNI(let vni): facts.unknownVNIs.remove(vni)
        case .rejectedTunnel(let rejected): facts.rejectedTunnels.remove(rejected)
        case .learn(let local, let vni, _): if macs[Place(vni: vni, mac: local.mac)] == local { forget(local.mac, vni: vni) }
        case .ignore: break
        }
    }

    /// Keeps only the facts the last compile still turned into flows:
    /// an unknown destination that became known, an unbound VLAN that
    /// became bound, a VNI that arrived here, a sender that became a
    /// locator are forgotten, so the limits count only live facts. Tagged
    /// EtherTypes stay with their MAC.
    public mutating func keepOnly(_ live: MissFacts) {
        facts.unknownDestinations.formIntersection(live.unknownDestinations)
        facts.unboundTagged.formIntersection(live.unboundTagged)
        facts.unknownVNIs.formIntersection(live.unknownVNIs)
        facts.rejectedTunnels.formIntersection(live.rejectedTunnels)
    }
}
