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
    /// Our tunnel IP (4 bytes), when the switch has a usable one.
    public var tunnelIP: [UInt8]?
    /// The locators each carried VNI admits VXLAN from (4 bytes each).
    public var tunnelSources: [UInt32: Set<[UInt8]>] = [:]
    /// Local sources that are remote MACs of their switch and stay remote:
    /// not delivered to here, not listed in Ucast_Macs_Local.
    public var remoteMACsSeenLocally: Set<LocalMAC> = []
    /// The remote locators to run BFD with, and their settings.
    public var bfdTunnels: [BFDTunnel] = []
    /// The service node each VNI's BUM goes to (service_node mode).
    public var serviceNodes: [UInt32: [UInt8]] = [:]
    /// What the ARP responder answers, and how (switches with suppression on).
    public var arpAnswering = ARPAnswering()

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
    /// Our tunnel IP (4 bytes), when the switch has a usable one.
    public var tunnelIP: [UInt8]?
    /// The locators each carried VNI admits VXLAN from (4 bytes each).
    public var tunnelSources: [UInt32: Set<[UInt8]>] = [:]
    /// Local sources that are remote MACs of their switch and stay remote:
    /// not delivered to here, not listed in Ucast_Macs_Local.
    public var remoteMACsSeenLocally: Set<LocalMAC> = []
    /// The remote locators to run BFD with, and their settings.
    public var bfdTunnels: [BFDTunnel] = []
    /// The service node each VNI's BUM goes to (service_node mode).
    public var serviceNodes: [UInt32: [UInt8]] = [:]
    /// What the ARP responder answers, and how (switches with suppression on).
    public var arpAnswering = ARPAnswering()

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
        findings.tunnelIP = tunnelIP
        findings.tunnelSources = tunnelSources
        findings.remoteMACsSeenLocally = remoteMACsSeenLocally
        findings.bfdTunnels = bfdTunnels
        findings.serviceNodes = serviceNodes
        findings.arpAnswering = arpAnswering
        return findings
    }
}
