import OVSDatapathCore

/// What BFD says of the remote locators, as the compiler reads it: which
/// cannot forward, and which service node each switch's BUM went to last
/// (so the choice is sticky). A locator without a BFD session is taken to
/// be healthy: the controller's word is all there is.
public struct LocatorHealth: Equatable, Sendable {
    /// Remote locators (IPv4, 4 bytes) whose BFD session is enabled and
    /// not forwarding: down, coming up, or reporting a path down.
    public var down: Set<[UInt8]> = []
    /// The service node each VNI's BUM went to after the last pass.
    public var serviceNodes: [UInt32: [UInt8]] = [:]

    /// Health with nothing down and no choice made yet.
    public init(down: Set<[UInt8]> = [], serviceNodes: [UInt32: [UInt8]] = [:]) {
        self.down = down
        self.serviceNodes = serviceNodes
    }
}

/// The `service_node` replication rule of vtep.xml with health: BUM goes
/// to one healthy service node, the lowest address, kept while it stays
/// healthy so that a node coming back does not pull traffic over again.
public enum ServiceNodeChoice {
    /// What was chosen, and whether it is a fallback.
    public struct Choice: Equatable, Sendable {
        /// The locator BUM goes to (nil only when none is configured).
        public var node: [UInt8]?
        /// True when no configured node was healthy and the lowest was
        /// taken anyway (better a node BFD doubts than none).
        public var isFallback: Bool
    }

    /// Chooses among `configured` (any order) given which are `down` and
    /// which was chosen before.
    public static func choose(configured: [[UInt8]], down: Set<[UInt8]>, previous: [UInt8]?) -> Choice {
        let sorted = configured.sorted { $0.lexicographicallyPrecedes($1) }
        let healthy = sorted.filter { !down.contains($0) }
        if let previous, healthy.contains(previous) { return Choice(node: previous, isFallback: false) }
        if let first = healthy.first { return Choice(node: first, isFallback: false) }
        return Choice(node: sorted.first, isFallback: !sorted.isEmpty)
    }
}

extension ServiceNodeChoice {
    /// The service node each VNI's BUM goes to in `flows` as the kernel
    /// holds them (a restart's starting point, so the choice sticks across
    /// it): the one tunnel destination of the switch's stage-2 flows to
    /// group destinations. A VNI whose BUM goes to several (source_node)
    /// or none is left out.
    public static func recovered(from flows: some Sequence<Flow>) -> [UInt32: [UInt8]] {
        var destinations: [UInt32: Set<[UInt8]>] = [:]
        for flow in flows {
            let fields = FlowKeyFields(key: flow.key)
            guard let vni = RecirculationID(rawValue: fields.recirculationID).vni, fields.destination?.isMulticast == true else {
                continue
            }
            for case .set(let attribute) in flow.actions where attribute.type == OVSKey.tunnel {
                // A set(tunnel) carries the key's tunnel attribute: read as a key's.
                let tunnel = FlowKeyFields(key: [attribute])
                guard tunnel.tunnelID == UInt64(vni), let destination = tunnel.tunnelDestination else { continue }
                destinations[vni, default: []].insert(destination)
            }
        }
        return destinations.compactMapValues { $0.count == 1 ? $0.first : nil }
    }
}
