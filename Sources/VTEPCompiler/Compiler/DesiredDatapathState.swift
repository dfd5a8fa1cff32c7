import OVSDatapathCore

/// What the datapath should hold, and what could not be honoured.
public struct DesiredDatapathState: Sendable {
    /// Every flow by UFID; each UFID is derived from the flow's identity,
    /// so the same state compiles to the same UFIDs in any process.
    public var flows: [FlowUFID: CompiledFlow] = [:]
    /// The bindings that compiled, in the order the compiler found them.
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

    /// An empty state: no flows, no bindings, no faults.
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
    /// The Physical_Port's name, which is also its network device's.
    public var port: String
    /// The VLAN id (0 = untagged).
    public var vlan: UInt16
    /// The binding on `vlan` of `port`.
    public init(port: String, vlan: UInt16) { self.port = port; self.vlan = vlan }
    /// Where `binding` sits.
    public init(_ binding: Binding) { self.init(port: binding.port, vlan: binding.vlan) }
    /// Orders by port name, then VLAN.
    public static func < (a: Self, b: Self) -> Bool { (a.port, a.vlan) < (b.port, b.vlan) }
    /// `p0` for an untagged binding, `p0 vlan 10` for a tagged one.
    public var description: String { vlan == 0 ? port : "\(port) vlan \(vlan)" }
}

/// Everything a compile found besides the flows: what the database write-back,
/// the upcall handler and the log need after a pass. The flows themselves
/// stay with the compiler that made them, their only copy.
public struct CompileFindings: Sendable {
    /// The bindings that compiled, in the order the compiler found them.
    public var bindings: [Binding] = []
    /// `switch_fault_status` of our Physical_Switch.
    public var switchFaults: Set<String> = []
    /// `port_fault_status` by port name (ports without faults are absent).
    public var portFaults: [String: Set<String>] = [:]
    /// The miss facts that still mean something; the learner forgets the others.
    public var liveFacts = MissFacts()
    /// One line per thing skipped, for the log: what and why.
    public var problems: [String] = []

    /// No findings: nothing compiled yet.
    public init() {}
}

extension DesiredDatapathState {
    /// The state's findings, without its flows.
    public var findings: CompileFindings {
        var findings = CompileFindings()
        findings.bindings = bindings
        findings.switchFaults = switchFaults
        findings.portFaults = portFaults
        findings.liveFacts = liveFacts
        findings.problems = problems
        return findings
    }
}
