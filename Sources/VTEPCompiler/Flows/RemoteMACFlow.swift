import OVSDB
import OVSDatapathCore
import VTEPModel

/// Everything a Ucast_Macs_Remote row's flow depends on besides the row
/// itself. While it still holds, a pass recompiles only the rows that
/// changed; when it does not (a new tunnel IP, a switch bound or unbound, a
/// VNI or a locator changed) every row is recompiled.
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
    /// A vxlan_over_ipv4 locator's IPv4 address, and the VNI it names
    /// (`tunnel_key`), if any.
    struct Locator: Equatable {
        var address: [UInt8]
        var tunnelKey: Int?
    }
    /// Every locator, if it is a usable vxlan_over_ipv4 one.
    var locators: [OVSDBUUID: Locator?]

    /// Whether rows compiled in `self` are still right in `next`. Locators
    /// come and go with the rows that use them (a row holds a strong
    /// reference to its locator), so only a locator that changed in place
    /// can change an existing row's flow.
    func stillHolds(in next: RemoteMACContext) -> Bool {
        guard localIP == next.localIP, tunnelPort == next.tunnelPort, switches == next.switches else { return false }
        for (id, destination) in locators where next.locators[id].map({ $0 != destination }) == true { return false }
        return true
    }
}

/// Parts every remote MAC flow of one context shares: made once, then
/// shared by reference (arrays are copy-on-write), so a row costs its MAC
/// and not a whole flow's worth of allocations.
struct RemoteMACTemplates {
    private var recirculation: [UInt32: FlowKeyAttribute] = [:]
    private var actions: [ActionsKey: [FlowAction]] = [:]
    /// `recirc_id` exact, `eth(dst)` exact, nothing else: every remote MAC flow's mask.
    let mask: [FlowKeyAttribute] = [
        FlowKeyAttribute(type: OVSKey.recircID, bytes: FlowBuilder.u32(0xffff_ffff)),
        FlowKeyAttribute(type: OVSKey.ethernet, bytes: [UInt8](repeating: 0, count: 6) + [UInt8](repeating: 0xff, count: 6)),
    ]
    private struct ActionsKey: Hashable { var vni: UInt32; var remote: [UInt8] }

    /// The last parts handed out: rows come mostly from one switch and one
    /// locator, so this answers nearly every row without hashing.
    private var lastRecirculation: (id: UInt32, attribute: FlowKeyAttribute)?
    private var lastActions: (key: ActionsKey, actions: [FlowAction])?

    mutating func recirculation(_ id: UInt32) -> FlowKeyAttribute {
        if let last = lastRecirculation, last.id == id { return last.attribute }
        let made = recirculation[id] ?? FlowKeyAttribute(type: OVSKey.recircID, bytes: FlowBuilder.u32(id))
        recirculation[id] = made
        lastRecirculation = (id, made)
        return made
    }

    mutating func actions(vni: UInt32, remote: [UInt8], in context: RemoteMACContext) -> [FlowAction] {
        let key = ActionsKey(vni: vni, remote: remote)
        if let last = lastActions, last.key == key { return last.actions }
        let made =
            actions[key]
            ?? [FlowBuilder.setTunnel(vni: vni, source: context.localIP, destination: remote), FlowAction.output(port: context.tunnelPort)]
        actions[key] = made
        lastActions = (key, made)
        return made
    }

    /// `eth(src=0, dst=M)`: a remote MAC flow's Ethernet key, in one allocation.
    static func ethernetKey(destination mac: EthernetAddress) -> FlowKeyAttribute {
        let bytes = [UInt8](unsafeUninitializedCapacity: 12) { out, count in
            for index in 0..<6 { out[index] = 0 }
            for (index, byte) in mac.bytes.enumerated() { out[6 + index] = byte }
            count = 12
        }
        return FlowKeyAttribute(type: OVSKey.ethernet, bytes: bytes)
    }
}

/// A locator VXLAN of one VNI is admitted from.
struct TunnelSource: Hashable, Sendable {
    var vni: UInt32
    /// IPv4, 4 bytes in network order.
    var address: [UInt8]
}

/// What one Ucast_Macs_Remote row of one of our logical switches compiles to.
struct RemoteMACFlow: Equatable {
    /// Its stage-2 flow (`forward`), or nil when the row was skipped.
    var flow: CompiledFlow?
    var ufid: FlowUFID? { flow?.ufid }
    /// The locator its MAC sits behind: the switch admits VXLAN from it.
    var source: TunnelSource?
    /// Why the row was skipped, for the log.
    var problem: String?
    /// Whether skipping it is a switch fault (an unusable locator).
    var isFault = false
}

extension RemoteMACFlow {
    /// The context of the input's remote MACs, or nil when our switch cannot
    /// forward at all (the frame reports why).
    static func context(_ input: CompilerInput, bindings: [Binding]) -> RemoteMACContext? {
        let db = input.database
        guard let (_, physicalSwitch) = db.physicalSwitch(named: input.switchName), physicalSwitch.tunnelIPs.count == 1,
            let localIP = physicalSwitch.tunnelIPs.first.flatMap(ipv4Bytes)
        else { return nil }
        var switches: [OVSDBUUID: RemoteMACContext.LogicalSwitch] = [:]
        for binding in bindings {
            guard let recirculation = RecirculationID.logicalSwitch(vni: binding.vni)?.rawValue else { continue }
            switches[binding.logicalSwitch] = .init(name: binding.logicalSwitchName, vni: binding.vni, recirculation: recirculation)
        }
        var locators: [OVSDBUUID: RemoteMACContext.Locator?] = [:]
        for (id, locator) in db.locators.rows {
            locators[id] =
                locator.encapsulationType == "vxlan_over_ipv4"
                ? ipv4Bytes(locator.dstIP).map { RemoteMACContext.Locator(address: $0, tunnelKey: locator.tunnelKey) } : nil
        }
        return RemoteMACContext(localIP: localIP, tunnelPort: input.tunnelPort, switches: switches, locators: locators)
    }

    /// One remote MAC out of the tunnel to its locator: `recirc_id(R(vni)),
    /// eth(dst=M)` → set the tunnel, output to the VXLAN port. Nil for a row
    /// of a logical switch we do not carry.
    static func compile(
        _ row: VTEPUcastMac<VTEPRemote>, in context: RemoteMACContext,
        templates: inout RemoteMACTemplates
    ) -> RemoteMACFlow? {
        guard let logicalSwitch = context.switches[row.logicalSwitch] else { return nil }
        guard let mac = EthernetAddress(row.mac), !mac.isMulticast else {
            return RemoteMACFlow(problem: "\(logicalSwitch.name): remote MAC \"\(row.mac)\" is not a unicast MAC; skipped")
        }
        guard let locator = context.locators[row.locator] ?? nil else {
            return RemoteMACFlow(
                problem: "\(logicalSwitch.name): remote MAC \(mac) has no usable vxlan_over_ipv4 locator; skipped",
                isFault: true)
        }
        if let key = locator.tunnelKey, !LocatorKey.carries(key, vni: Int(logicalSwitch.vni)) {
            return RemoteMACFlow(
                problem:
                    "\(logicalSwitch.name): remote MAC \(mac)'s locator \(ipv4Text(locator.address)) has tunnel_key \(key), not the switch's VNI \(logicalSwitch.vni); per-locator keys are not supported; skipped",
                isFault: true)
        }
        let remote = locator.address
        // What FlowBuilder(recirculation:).ethernet(destination:) makes, from shared parts.
        let key = [templates.recirculation(logicalSwitch.recirculation), RemoteMACTemplates.ethernetKey(destination: mac)]
        let flow = Flow(key: key, mask: templates.mask, actions: templates.actions(vni: logicalSwitch.vni, remote: remote, in: context))
        return RemoteMACFlow(
            flow: CompiledFlow(FlowIdentity.forward(vni: logicalSwitch.vni, destination: mac), flow),
            source: TunnelSource(vni: logicalSwitch.vni, address: remote))
    }
}
