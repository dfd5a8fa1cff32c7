import OVSDB
import OVSDatapathCore
import VTEPModel

/// Everything of the desired state but the remote MACs' flows — the
/// *frame*: bindings and their faults, local MACs' flows, BUM floods, the
/// remembered misses' flows. `IncrementalCompiler` puts it together with
/// the remote MACs' flows (`RemoteMACFlow`); `VTEPCompiler.compile` is that,
/// from nothing.
enum FrameCompiler {
    /// The bindings the frame will instantiate (faults discarded).
    static func bindings(of input: CompilerInput) -> [Binding] {
        guard let (_, physicalSwitch) = input.database.physicalSwitch(named: input.switchName) else { return [] }
        var scratch = DesiredDatapathState()
        return resolveBindings(input, physicalSwitch, &scratch)
    }

    /// Everything but the remote MACs' flows. `isRemote(ufid)` says
    /// whether a remote row already gives that stage-2 UFID a flow: its
    /// MAC is no unknown destination, and one that is local too is
    /// reported. Local MACs' flows come from `memo` where they are unchanged.
    /// `remoteSources` are the locators the remote MACs' rows sit behind.
    static func compileFrame(
        _ input: CompilerInput, memo: inout LocalMACMemo, remoteSources: some Sequence<TunnelSource>, isRemote: (FlowUFID) -> Bool
    ) -> DesiredDatapathState {
        defer { memo.endPass() }
        var state = DesiredDatapathState()
        let db = input.database
        guard let (_, physicalSwitch) = db.physicalSwitch(named: input.switchName) else {
            state.problems.append("Physical_Switch \(input.switchName) is not in the database")
            return state
        }
        guard physicalSwitch.tunnelIPs.count == 1, let localIP = physicalSwitch.tunnelIPs.first, let localIPBytes = ipv4Bytes(localIP)
        else {
            state.switchFaults.insert("unspecified_fault")
            state.problems.append(
                "Physical_Switch \(input.switchName) needs exactly one IPv4 tunnel_ips entry, has \(physicalSwitch.tunnelIPs.sorted())")
            return state
        }

        let bindings = resolveBindings(input, physicalSwitch, &state)
        state.bindings = bindings
        state.tunnelIP = localIPBytes
        var remoteSourcesByVNI: [UInt32: Set<[UInt8]>] = [:]
        for source in remoteSources { remoteSourcesByVNI[source.vni, default: []].insert(source.address) }
        let switches = Dictionary(grouping: bindings, by: \.logicalSwitch)
        let facts = input.missFacts

        for (switchID, members) in switches.sorted(by: { $0.key < $1.key }) {
            let vni = members[0].vni
            let name = members[0].logicalSwitchName
            guard let recirculation = RecirculationID.logicalSwitch(vni: vni)?.rawValue,
                let tunnelRecirculation = RecirculationID.tunnel(vni: vni)?.rawValue
            else { continue }
            let locals = input.localMACs.filter { mac in members.contains { $0.port == mac.port && $0.vlan == mac.vlan } }
            func binding(of local: LocalMAC) -> Binding? { members.first { $0.port == local.port && $0.vlan == local.vlan } }

            // Local MACs: stage 1 from them, stage 2 and tunnel delivery to
            // them. A local source that a remote row of the switch lists
            // does not take the controller's MAC over (unless the operator
            // allows it): its frames go on, but the MAC stays remote.
            for local in locals.sorted(by: { $0.mac < $1.mac }) {
                guard let binding = binding(of: local) else { continue }
                let flows = memo.flows(
                    LocalMACFlows.Key(
                        local: local, binding: binding, recirculation: recirculation, tunnelRecirculation: tunnelRecirculation,
                        tunnelPort: input.tunnelPort,
                        etherTypes: binding.vlan == 0 ? [] : facts.taggedEtherTypes[local] ?? []))
                if !flows.liveEtherTypes.isEmpty { state.liveFacts.taggedEtherTypes[local, default: []].formUnion(flows.liveEtherTypes) }
                guard !isRemote(flows.forwardUFID) else {
                    if input.allowsRemoteMACTakeover {
                        for compiled in flows.flows { state.flows[compiled.ufid] = compiled }
                        state.problems.append("\(name): remote MAC \(local.mac) sends from \(local.port); taken over, as allowed")
                    } else {
                        for compiled in flows.flows where compiled.countsFrom != nil { state.flows[compiled.ufid] = compiled }
                        state.remoteMACsSeenLocally.insert(local)
                        state.problems.append(
                            "\(name): remote MAC \(local.mac) (Ucast_Macs_Remote) sends from \(local.port)\(local.vlan == 0 ? "" : " vlan \(local.vlan)"); "
                                + "kept remote: its frames go on, none are delivered to it here (--allow-remote-mac-takeover to let it move)"
                        )
                    }
                    continue
                }
                for compiled in flows.flows { state.flows[compiled.ufid] = compiled }
            }

            // BUM: the switch's unknown-dst locators, by replication mode and health.
            let sourceNode = db.logicalSwitches[switchID]?.replicationMode == "source_node"
            func replicate(to locators: [[UInt8]], vni remembered: UInt32? = nil) -> [FlowAction] {
                bumTargets(
                    locators, sourceNode: sourceNode, switchName: name, health: input.locatorHealth, remembering: remembered,
                    preferring: state.serviceNodes[vni], &state
                )
                .flatMap {
                    [FlowBuilder.setTunnel(vni: vni, source: localIPBytes, destination: $0), FlowAction.output(port: input.tunnelPort)]
                }
            }
            let tunnels = replicate(to: unknownDestinationLocators(db, switchID), vni: vni)
            // From one local binding: every other binding, then the tunnels (no hairpin).
            var floodFrom: [UInt32: [FlowAction]] = [:]
            var floodsTo: [UInt32: [Binding]] = [:]
            for binding in members {
                let others = members.filter { $0 != binding }
                floodFrom[binding.portNumber] = others.flatMap { FlowBuilder.deliver(to: $0) } + tunnels
                floodsTo[binding.portNumber] = others
            }
            // From the tunnel: every local binding, never a tunnel (split horizon).
            let floodFromTunnel = members.flatMap { FlowBuilder.deliver(to: $0) }

            let groups = multicastGroups(db, switchID, vni: vni, &state)
            // ARP suppression needs a socket to send requests up to, and no row of its own for broadcast.
            let suppresses =
                input.upcallPortID != 0 && db.logicalSwitches[switchID].map(ARPSuppression.isOn) == true
                && groups[ARPSuppression.broadcast] == nil
            addPortFloods(
                PortFloods(
                    vni: vni, recirculation: recirculation, floodFrom: floodFrom, floodsTo: floodsTo,
                    groups: groups.mapValues { replicate(to: $0) },
                    suppression: suppresses
                        ? .init(
                            targets: arpTargets(db, switchID),
                            bindingOf: Dictionary(members.map { ($0.portNumber, $0) }, uniquingKeysWith: { first, _ in first }),
                            revealed: facts.unknownDestinations.compactMap { fact in
                                guard fact.vni == vni, fact.etherType != nil, let port = fact.port.flatMap({ input.portNumbers[$0] })
                                else { return nil }
                                return (fact, port)
                            })
                        : nil),
                upcallPortID: input.upcallPortID, &state)
            // Tunnel admission: VXLAN of this VNI from the locators the
            // database names for it, to our tunnel IP; the rest misses and is dropped.
            let sources = locators(of: switchID, db).union(remoteSourcesByVNI[vni] ?? [])
            state.tunnelSources[vni] = sources
            for source in sources.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                var admit = FlowBuilder(recirculation: 0)
                admit.tunnel(vni: vni, source: source, destination: localIPBytes)
                admit.inPort(input.tunnelPort)
                admit.ethernet()
                state.add(
                    FlowIdentity.tunnelAdmission(vni: vni, tunnelPort: input.tunnelPort, source: source, destination: localIPBytes),
                    admit.flow([.recirculate(id: tunnelRecirculation)]))
            }
            var fromTunnel = FlowBuilder(recirculation: tunnelRecirculation)
            fromTunnel.inPort(input.tunnelPort)
            fromTunnel.multicastDestination()
            state.add(FlowIdentity.tunnelFlood(vni: vni, tunnelPort: input.tunnelPort), fromTunnel.flow(floodFromTunnel), to: members)

            // Unknown unicast: flooded like BUM, one flow per destination a
            // miss revealed, for as long as nobody claims the MAC.
            let unknownHere = facts.unknownDestinations.filter { $0.vni == vni }
            // Made only when needed: with thousands learned it is no small table.
            let localHere = unknownHere.isEmpty ? [] : Set(locals.map(\.mac))
            for unknown in unknownHere
            where !localHere.contains(unknown.mac)
                && !isRemote(FlowUFID(deriving: FlowIdentity.forward(vni: vni, destination: unknown.mac)))
            {
                guard !unknown.mac.isMulticast else { continue }
                if let portName = unknown.port {
                    guard let port = input.portNumbers[portName], let actions = floodFrom[port] else { continue }
                    state.liveFacts.unknownDestinations.insert(unknown)
                    var match = FlowBuilder(recirculation: recirculation)
                    match.inPort(port)
                    match.ethernet(destination: unknown.mac)
                    state.add(
                        FlowIdentity.unknownFlood(vni: vni, port: port, destination: unknown.mac), match.flow(actions),
                        to: floodsTo[port] ?? [])
                } else {
                    state.liveFacts.unknownDestinations.insert(unknown)
                    var match = FlowBuilder(recirculation: tunnelRecirculation)
                    match.inPort(input.tunnelPort)
                    match.ethernet(destination: unknown.mac)
                    state.add(
                        FlowIdentity.tunnelDeliver(vni: vni, tunnelPort: input.tunnelPort, destination: unknown.mac),
                        match.flow(floodFromTunnel), to: members)
                }
            }
        }

        addBFDReception(input, physicalSwitch, localIPBytes, &state)
        addDrops(input, physicalSwitch, bindings, localIPBytes, &state)
        reportUnsupported(input, physicalSwitch, bindings, &state)
        return state
    }

    /// What vtep-kdp does not implement, said in the schema's own fault
    /// columns instead of silently ignored (ovs-vtep ignores it all):
    /// ACLs bound to a port, logical routers over our switches, and
    /// unknown-dst locators of another encapsulation.
    static func reportUnsupported(
        _ input: CompilerInput, _ physicalSwitch: VTEPPhysicalSwitch, _ bindings: [Binding],
        _ state: inout DesiredDatapathState
    ) {
        let db = input.database
        for portID in physicalSwitch.ports.sorted() {
            guard let port = db.physicalPorts[portID], !port.aclBindings.isEmpty else { continue }
            state.fault(port: port.name, "invalid_ACL_binding", "\(port.name): ACLs are not supported; acl_bindings ignored")
        }
        let ours = Set(bindings.map(\.logicalSwitch))
        for router in db.logicalRouters.rows.values where router.switchBinding.values.contains(where: ours.contains) {
            state.switchFaults.insert("lr_support_fault")
            state.problems.append("logical router \(router.name): logical routing is not supported")
        }
        for row in db.mcastMacsRemote.rows.values where ours.contains(row.logicalSwitch) {
            let vni = db.logicalSwitches[row.logicalSwitch]?.tunnelKey
            for locatorID in db.locatorSets[row.locatorSet]?.locators ?? [] {
                guard let locator = db.locators[locatorID] else { continue }
                if locator.encapsulationType != "vxlan_over_ipv4" || ipv4Bytes(locator.dstIP) == nil {
                    state.switchFaults.insert("unspecified_fault")
                    state.problems.append(
                        "\(row.mac) locator \(locator.encapsulationType)/\(locator.dstIP) is not vxlan_over_ipv4; skipped")
                } else if let key = locator.tunnelKey, !LocatorKey.carries(key, vni: vni) {
                    state.switchFaults.insert("unspecified_fault")
                    state.problems.append(
                        "\(row.mac) locator \(locator.dstIP) has tunnel_key \(key), not the switch's VNI \(vni.map(String.init) ?? "none"); per-locator keys are not supported; skipped"
                    )
                }
            }
        }
    }

    /// What must not be forwarded, dropped in the kernel so it never
    /// reaches userspace again: untagged frames on a port without an
    /// untagged binding (known in advance), and what misses revealed —
    /// tagged frames on an unbound VLAN, VXLAN with a VNI nobody carries,
    /// VXLAN from a sender that is no locator of its VNI (or not to our
    /// tunnel IP). An empty action list is the kernel's drop.
    static func addDrops(
        _ input: CompilerInput, _ physicalSwitch: VTEPPhysicalSwitch, _ bindings: [Binding], _ localIP: [UInt8],
        _ state: inout DesiredDatapathState
    ) {
        let db = input.database
        let bound = Set(bindings.map(PortVLAN.init))
        for portID in physicalSwitch.ports.sorted() {
            guard let name = db.physicalPorts[portID]?.name, let port = input.portNumbers[name],
                !bound.contains(PortVLAN(port: name, vlan: 0))
            else { continue }
            var match = FlowBuilder(recirculation: 0)
            match.inPort(port)
            match.ethernet()
            state.add(FlowIdentity.unboundUntagged(port: port), match.flow([]))
        }
        for unbound in input.missFacts.unboundTagged
        where unbound.vlan != 0 && !bound.contains(PortVLAN(port: unbound.port, vlan: unbound.vlan)) {
            guard let port = input.portNumbers[unbound.port] else { continue }
            var match = FlowBuilder(recirculation: 0)
            match.inPort(port)
            match.ethernet()
            guard match.tagged(vlan: unbound.vlan, innerEtherType: unbound.etherType) else { continue }
            state.liveFacts.unboundTagged.insert(unbound)
            state.add(FlowIdentity.unboundTagged(port: port, vlan: unbound.vlan, etherType: unbound.etherType), match.flow([]))
        }
        let carried = Set(bindings.map(\.vni))
        for vni in input.missFacts.unknownVNIs
        where !carried.contains(vni) && vni != BFDTunnel.tunnelKey && vni <= RecirculationID.maxVNI {
            var match = FlowBuilder(recirculation: 0)
            match.tunnelID(vni, localIP: localIP)
            match.inPort(input.tunnelPort)
            match.ethernet()
            state.liveFacts.unknownVNIs.insert(vni)
            state.add(FlowIdentity.unknownVNI(vni, tunnelPort: input.tunnelPort), match.flow([]))
        }
        // The same match as an admission, so a sender that becomes a locator
        // turns its drop into an admission under one UFID.
        // VNI 0 is BFD's: never carried, and never dropped wide (see `addBFDReception`).
        let bfdRemotes = Set(state.bfdTunnels.map(\.remote))
        for rejected in input.missFacts.rejectedTunnels where carried.contains(rejected.vni) || rejected.vni == BFDTunnel.tunnelKey {
            guard rejected.destination != localIP || state.tunnelSources[rejected.vni]?.contains(rejected.source) != true else { continue }
            guard rejected.vni != BFDTunnel.tunnelKey || rejected.destination != localIP || !bfdRemotes.contains(rejected.source)
            else { continue }
            var match = FlowBuilder(recirculation: 0)
            match.tunnel(vni: rejected.vni, source: rejected.source, destination: rejected.destination)
            match.inPort(input.tunnelPort)
            match.ethernet()
            state.liveFacts.rejectedTunnels.insert(rejected)
            state.add(
                FlowIdentity.tunnelAdmission(
                    vni: rejected.vni, tunnelPort: input.tunnelPort, source: rejected.source, destination: rejected.destination),
                match.flow([]))
        }
    }

    /// Our switch's bindings that can be instantiated; the others become port faults.
    static func resolveBindings(_ input: CompilerInput, _ physicalSwitch: VTEPPhysicalSwitch, _ state: inout DesiredDatapathState)
        -> [Binding]
    {
        let db = input.database
        var bindings: [Binding] = []
        var switchByVNI: [UInt32: OVSDBUUID] = [:]
        for portID in physicalSwitch.ports.sorted() {
            guard let port = db.physicalPorts[portID] else { continue }
            for (vlan, switchID) in port.vlanBindings.sorted(by: { $0.key < $1.key }) {
                guard let logicalSwitch = db.logicalSwitches[switchID] else { continue }
                guard let portNumber = input.portNumbers[port.name] else {
                    state.fault(
                        port: port.name, "unspecified_fault",
                        "\(port.name): bound to \(logicalSwitch.name) but there is no such network device")
                    continue
                }
                guard (0...4095).contains(vlan) else {
                    state.fault(port: port.name, "invalid_vlan_map", "\(port.name): VLAN \(vlan) is not a VLAN id")
                    continue
                }
                // No key, or 0: a controller's switch not in use yet (OVN writes 0, and clears the
                // key on exit). Not forwarded until the key arrives; not a fault, and two such
                // switches do not collide on VNI 0.
                guard let key = logicalSwitch.tunnelKey, key != 0 else { continue }
                guard key > 0, UInt32(exactly: key).map({ $0 <= RecirculationID.maxVNI }) == true else {
                    state.fault(
                        port: port.name, "invalid_vlan_map",
                        "\(port.name) vlan \(vlan): logical switch \(logicalSwitch.name) has VNI \(key), outside VXLAN's 24 bits")
                    continue
                }
                let vni = UInt32(key)
                if let other = switchByVNI[vni], other != switchID {
                    state.fault(
                        port: port.name, "invalid_vlan_map",
                        "\(port.name) vlan \(vlan): VNI \(vni) of \(logicalSwitch.name) is already used by \(db.logicalSwitches[other]?.name ?? "another logical switch")"
                    )
                    continue
                }
                if let other = bindings.first(where: { $0.port == port.name && $0.logicalSwitch == switchID }) {
                    state.fault(
                        port: port.name, "invalid_vlan_map",
                        "\(port.name) vlan \(vlan): \(logicalSwitch.name) is already bound on this port (vlan \(other.vlan)); one VLAN per logical switch and port"
                    )
                    continue
                }
                switchByVNI[vni] = switchID
                bindings.append(
                    Binding(
                        port: port.name, portNumber: portNumber, vlan: UInt16(vlan), logicalSwitch: switchID,
                        logicalSwitchName: logicalSwitch.name, vni: vni))
            }
        }
        return bindings
    }

    /// IPv4 addresses of the switch's `unknown-dst` Mcast_Macs_Remote locators, sorted.
    static func unknownDestinationLocators(_ db: VTEPDatabase, _ switchID: OVSDBUUID) -> [[UInt8]] {
        locators(of: switchID, db, mac: "unknown-dst").sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// The switch's Mcast_Macs_Remote rows for specific multicast MACs
    /// (not `unknown-dst`): each MAC's locators, sorted. A row whose MAC is
    /// no multicast address is reported and skipped.
    static func multicastGroups(_ db: VTEPDatabase, _ switchID: OVSDBUUID, vni: UInt32, _ state: inout DesiredDatapathState)
        -> [EthernetAddress: [[UInt8]]]
    {
        var groups: [EthernetAddress: Set<[UInt8]>] = [:]
        for row in db.mcastMacsRemote.rows.values where row.logicalSwitch == switchID && row.mac != "unknown-dst" {
            guard let group = EthernetAddress(row.mac), group.isMulticast else {
                state.switchFaults.insert("unspecified_fault")
                state.problems.append(
                    "Mcast_Macs_Remote \"\(row.mac)\" of VNI \(vni) is neither a multicast MAC nor unknown-dst; skipped")
                continue
            }
            groups[group, default: []].formUnion(locators(of: row, db))
        }
        return groups.mapValues { $0.sorted { $0.lexicographicallyPrecedes($1) } }
    }

    /// IPv4 addresses of the switch's Mcast_Macs_Remote locators: of the
    /// rows for `mac`, or of every row (service nodes and multicast
    /// groups: all of them may send us the switch's traffic).
    static func locators(of switchID: OVSDBUUID, _ db: VTEPDatabase, mac: String? = nil) -> Set<[UInt8]> {
        var addresses: Set<[UInt8]> = []
        for row in db.mcastMacsRemote.rows.values where row.logicalSwitch == switchID && (mac == nil || row.mac == mac) {
            addresses.formUnion(locators(of: row, db))
        }
        return addresses
    }

    /// The usable locators of one Mcast_Macs_Remote row: vxlan_over_ipv4
    /// to an IPv4 address, with no `tunnel_key` of their own or the
    /// switch's (`reportUnsupported` says why the others are skipped).
    static func locators(of row: VTEPMcastMac<VTEPRemote>, _ db: VTEPDatabase) -> Set<[UInt8]> {
        let vni = db.logicalSwitches[row.logicalSwitch]?.tunnelKey
        var addresses: Set<[UInt8]> = []
        for locatorID in db.locatorSets[row.locatorSet]?.locators ?? [] {
            if let locator = db.locators[locatorID], locator.encapsulationType == "vxlan_over_ipv4",
                LocatorKey.carries(locator.tunnelKey, vni: vni), let ip = ipv4Bytes(locator.dstIP)
            {
                addresses.insert(ip)
            }
        }
        return addresses
    }
}
