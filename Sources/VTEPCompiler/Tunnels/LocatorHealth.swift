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
