import OVSDatapathNL

/// What the datapath should hold, and what could not be honoured.
public struct DesiredDatapathState: Sendable {
    /// Every flow by UFID; each UFID is derived from the flow's identity,
    /// so the same state compiles to the same UFIDs in any process.
    public var flows: [FlowUFID: CompiledFlow] = [:]
    public var bindings: [Binding] = []
    /// `switch_fault_status` of our Physical_Switch.
    public var switchFaults: Set<String> = []
    /// `port_fault_status` by port name (ports without faults are absent).
    public var portFaults: [String: Set<String>] = [:]
    /// The miss facts that still mean something (their flows are in
    /// `flows`); the learner forgets the others.
    public var liveFacts = MissFacts()
    /// One line per thing skipped, for the log: what and why.
    public var problems: [String] = []

    public init() {}

    mutating func add(_ identity: String, _ flow: Flow, from: Binding? = nil, to: [Binding] = []) {
        let compiled = CompiledFlow(identity, flow, from: from, to: to)
        flows[compiled.ufid] = compiled
    }

    mutating func fault(port: String, _ fault: String, _ problem: String) {
        portFaults[port, default: []].insert(fault)
        problems.append(problem)
    }
}

/// One VLAN of one physical port (0 = untagged): where a binding sits.
public struct PortVLAN: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var port: String
    public var vlan: UInt16
    public init(port: String, vlan: UInt16) { self.port = port; self.vlan = vlan }
    init(_ binding: Binding) { self.init(port: binding.port, vlan: binding.vlan) }
    public static func < (a: Self, b: Self) -> Bool { (a.port, a.vlan) < (b.port, b.vlan) }
    public var description: String { vlan == 0 ? port : "\(port) vlan \(vlan)" }
}
