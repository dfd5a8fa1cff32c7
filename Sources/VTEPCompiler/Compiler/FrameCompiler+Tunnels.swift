import OVSDatapathCore
import VTEPModel

/// The frame's parts that BFD shapes: where BUM goes given the locators'
/// health, and the flows that hand the remotes' BFD packets to userspace.
extension FrameCompiler {
    /// The locators a BUM frame is sent to. `source_node`: every listed
    /// locator BFD does not call down (all of them when it calls them all
    /// down). `service_node`: one (see `ServiceNodeChoice`); for the
    /// switch's unknown-dst (`vni` given) the choice is remembered in
    /// `state.serviceNodes` and sticks, and a multicast group's locators
    /// prefer the node unknown-dst went to, so all BUM of a switch takes
    /// one path while it can.
    static func bumTargets(
        _ locators: [[UInt8]], sourceNode: Bool, switchName: String, health: LocatorHealth, remembering vni: UInt32?,
        preferring preferred: [UInt8]? = nil, _ state: inout DesiredDatapathState
    ) -> [[UInt8]] {
        let list = { locators.map(ipv4Text).joined(separator: ", ") }
        if sourceNode {
            let up = locators.filter { !health.down.contains($0) }
            guard up.isEmpty, !locators.isEmpty else { return up }
            if vni != nil {
                state.switchFaults.insert("unspecified_fault")
                state.problems.append(
                    "\(switchName): no unknown-dst locator is up by BFD (\(list())); BUM goes to all of them as configured")
            }
            return locators
        }
        let previous = vni.flatMap { health.serviceNodes[$0] } ?? preferred
        let choice = ServiceNodeChoice.choose(configured: locators, down: health.down, previous: previous)
        guard let node = choice.node else { return [] }
        if let vni {
            state.serviceNodes[vni] = node
            if choice.isFallback {
                state.switchFaults.insert("unspecified_fault")
                state.problems.append(
                    "\(switchName): no service node is up by BFD (\(list())); BUM goes to \(ipv4Text(node)) as configured")
            }
        }
        return [node]
    }

    /// BFD from each remote locator our switch has a Tunnel row with
    /// `bfd_params:enable=true` for: VXLAN with key 0 from it to our
    /// tunnel IP goes to userspace with `BFDTunnel.upcallCookie`. The
    /// match is the whole tunnel, not BFD's UDP port: the kernel has no
    /// priorities, so a narrower flow could not sit beside the exact drop
    /// that VNI 0 from anyone else gets. Nothing but BFD travels with key
    /// 0; the session's reader refuses the rest. None without a listener.
    static func addBFDReception(
        _ input: CompilerInput, _ physicalSwitch: VTEPPhysicalSwitch, _ localIP: [UInt8], _ state: inout DesiredDatapathState
    ) {
        guard input.upcallPortID != 0 else { return }
        let db = input.database
        let remotes = state.tunnelSources.values.reduce(into: Set<[UInt8]>()) { $0.formUnion($1) }
        var seen: Set<[UInt8]> = []
        for uuid in physicalSwitch.tunnels.sorted(by: { $0.description < $1.description }) {
            guard let tunnel = db.tunnels[uuid], tunnel.bfdParams["enable"] == "true",
                db.locators[tunnel.local].flatMap({ ipv4Bytes($0.dstIP) }) == localIP,
                let remote = db.locators[tunnel.remote].flatMap({ ipv4Bytes($0.dstIP) }), remotes.contains(remote),
                seen.insert(remote).inserted
            else { continue }
            state.bfdTunnels.append(BFDTunnel(remote: remote, params: tunnel.bfdParams, configRemote: tunnel.bfdConfigRemote))
            var match = FlowBuilder(recirculation: 0)
            match.tunnel(vni: BFDTunnel.tunnelKey, source: remote, destination: localIP)
            match.inPort(input.tunnelPort)
            match.ethernet()
            state.add(
                FlowIdentity.tunnelAdmission(vni: BFDTunnel.tunnelKey, tunnelPort: input.tunnelPort, source: remote, destination: localIP),
                match.flow([.userspace(pid: input.upcallPortID, userdata: BFDTunnel.upcallCookie, egressTunnelPort: nil)]))
        }
    }
}
