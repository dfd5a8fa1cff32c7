import OVSDatapathNL

/// Everything a Ucast_Macs_Remote row's flow depends on besides the row
/// itself. While it stays equal, a pass recompiles only the rows that
/// changed; when it differs (a new tunnel IP, a switch bound or unbound, a
/// VNI or locator changed) every row is recompiled.
struct RemoteMACContext: Equatable {
    struct LogicalSwitch: Equatable {
        var name: String
        var vni: UInt32
        var recirculation: UInt32
    }
    var localIP: [UInt8]
    var tunnelPort: UInt32
    /// The logical switches bound on our ports, by row.
    var switches: [OVSDBUUID: LogicalSwitch]
    /// Every locator's destination, if it is a usable vxlan_over_ipv4 one.
    var locators: [OVSDBUUID: [UInt8]?]
}

/// What one Ucast_Macs_Remote row of one of our logical switches compiles to.
struct RemoteMACFlow: Equatable {
    /// Its stage-2 flow (`forward`), or nil when the row was skipped.
    var flow: CompiledFlow?
    var ufid: FlowUFID?
    /// Why the row was skipped, for the log.
    var problem: String?
    /// Whether skipping it is a switch fault (an unusable locator).
    var isFault = false
}

extension VTEPCompiler {
    /// The context of the input's remote MACs, or nil when our switch cannot
    /// forward at all (the frame reports why).
    static func remoteMACContext(_ input: CompilerInput, bindings: [Binding]) -> RemoteMACContext? {
        let db = input.database
        guard let (_, physicalSwitch) = db.physicalSwitch(named: input.switchName), physicalSwitch.tunnelIPs.count == 1,
              let localIP = physicalSwitch.tunnelIPs.first.flatMap(ipv4Bytes) else { return nil }
        var switches: [OVSDBUUID: RemoteMACContext.LogicalSwitch] = [:]
        for binding in bindings {
            guard let recirculation = RecirculationID.logicalSwitch(vni: binding.vni)?.rawValue else { continue }
            switches[binding.logicalSwitch] = .init(name: binding.logicalSwitchName, vni: binding.vni, recirculation: recirculation)
        }
        var locators: [OVSDBUUID: [UInt8]?] = [:]
        for (id, locator) in db.locators.rows {
            locators[id] = locator.encapsulationType == "vxlan_over_ipv4" ? ipv4Bytes(locator.dstIP) : nil
        }
        return RemoteMACContext(localIP: localIP, tunnelPort: input.tunnelPort, switches: switches, locators: locators)
    }

    /// One remote MAC out of the tunnel to its locator: `recirc_id(R(vni)),
    /// eth(dst=M)` → set the tunnel, output to the VXLAN port. Nil for a row
    /// of a logical switch we do not carry.
    static func compileRemoteMAC(_ row: VTEPUcastMac<VTEPRemote>, in context: RemoteMACContext) -> RemoteMACFlow? {
        guard let logicalSwitch = context.switches[row.logicalSwitch] else { return nil }
        guard let mac = EthernetAddress(row.mac), !mac.isMulticast else {
            return RemoteMACFlow(problem: "\(logicalSwitch.name): remote MAC \"\(row.mac)\" is not a unicast MAC; skipped")
        }
        guard let remote = context.locators[row.locator] ?? nil else {
            return RemoteMACFlow(problem: "\(logicalSwitch.name): remote MAC \(mac) has no usable vxlan_over_ipv4 locator; skipped",
                                 isFault: true)
        }
        var match = FlowBuilder(recirculation: logicalSwitch.recirculation)
        match.ethernet(destination: mac)
        let identity = FlowIdentity.forward(vni: logicalSwitch.vni, destination: mac)
        var flow = match.flow([
            FlowBuilder.setTunnel(vni: logicalSwitch.vni, source: context.localIP, destination: remote), .output(port: context.tunnelPort),
        ])
        let ufid = FlowUFID(deriving: identity)
        flow.ufid = ufid
        return RemoteMACFlow(flow: CompiledFlow(identity: identity, flow: flow), ufid: ufid)
    }
}
