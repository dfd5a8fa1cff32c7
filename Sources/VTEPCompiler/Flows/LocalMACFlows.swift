import OVSDatapathCore

/// The flows of one local MAC behind one binding: stage 1 (its frames into
/// the logical switch; behind a tagged binding one per inner EtherType
/// seen, the tag popped), stage 2 (to it from the other bindings) and
/// tunnel delivery (to it from the remote VTEPs the switch admits).
struct LocalMACFlows: Sendable {
    /// Everything the flows depend on; equal keys, equal flows.
    struct Key: Hashable, Sendable {
        var local: LocalMAC
        var binding: Binding
        var recirculation: UInt32
        /// The switch's tunnel id: tunnel admission recirculates into it.
        var tunnelRecirculation: UInt32
        var tunnelPort: UInt32
        var etherTypes: Set<UInt16>

        /// What tells keys apart in practice — the MAC, where it sits and
        /// its switch — in a few words; equality still compares it all.
        func hash(into hasher: inout Hasher) {
            var mac: UInt64 = 0
            for byte in local.mac.bytes { mac = mac << 8 | UInt64(byte) }
            hasher.combine(mac)
            hasher.combine(UInt64(binding.portNumber) << 32 | UInt64(local.vlan) << 16 | UInt64(etherTypes.count))
            hasher.combine(UInt64(binding.vni) << 32 | UInt64(recirculation))
        }
    }

    var flows: [CompiledFlow] = []
    /// The inner EtherTypes that made a stage-1 flow.
    var liveEtherTypes: Set<UInt16> = []
    /// The UFID of its stage-2 flow, which a remote row for the same MAC would share.
    var forwardUFID: FlowUFID

    init(_ key: Key) {
        let local = key.local, binding = key.binding
        forwardUFID = FlowUFID(deriving: FlowIdentity.forward(vni: binding.vni, destination: local.mac))
        if binding.vlan == 0 {
            var match = FlowBuilder(recirculation: 0)
            match.inPort(binding.portNumber)
            match.ethernet(source: local.mac)
            add(
                FlowIdentity.ingress(port: binding.portNumber, source: local.mac), match.flow([.recirculate(id: key.recirculation)]),
                from: binding)
        } else {
            for etherType in key.etherTypes.sorted() {
                var match = FlowBuilder(recirculation: 0)
                match.inPort(binding.portNumber)
                match.ethernet(source: local.mac)
                guard match.tagged(vlan: binding.vlan, innerEtherType: etherType) else { continue }
                liveEtherTypes.insert(etherType)
                add(
                    FlowIdentity.taggedIngress(port: binding.portNumber, vlan: binding.vlan, etherType: etherType, source: local.mac),
                    match.flow([.popVLAN, .recirculate(id: key.recirculation)]), from: binding)
            }
        }
        let delivery = FlowBuilder.deliver(to: binding)
        var fromLocal = FlowBuilder(recirculation: key.recirculation)
        fromLocal.ethernet(destination: local.mac)
        add(FlowIdentity.forward(vni: binding.vni, destination: local.mac), fromLocal.flow(delivery), to: binding)
        var fromTunnel = FlowBuilder(recirculation: key.tunnelRecirculation)
        fromTunnel.inPort(key.tunnelPort)
        fromTunnel.ethernet(destination: local.mac)
        add(
            FlowIdentity.tunnelDeliver(vni: binding.vni, tunnelPort: key.tunnelPort, destination: local.mac), fromTunnel.flow(delivery),
            to: binding)
    }

    private mutating func add(_ identity: String, _ flow: Flow, from: Binding? = nil, to: Binding? = nil) {
        flows.append(CompiledFlow(identity, flow, from: from, to: to.map { [$0] } ?? []))
    }
}

/// Local MACs' flows from the last pass, so a pass builds flows only for
/// the local MACs that are new or changed — with thousands learned, the
/// rest of the frame is small. A pass over unchanged MACs costs one look-up
/// each and rebuilds nothing: a new source's pass, with 1,000 learned,
/// spent half its time copying this memo into a fresh table.
struct LocalMACMemo: Sendable {
    private struct Entry: Sendable {
        var flows: LocalMACFlows
        var lastPass: Int
    }
    private var entries: [LocalMACFlows.Key: Entry] = [:]
    private var pass = 0
    /// Entries asked for in this pass.
    private var used = 0

    /// Local MACs remembered.
    var count: Int { entries.count }

    mutating func flows(_ key: LocalMACFlows.Key) -> LocalMACFlows {
        if let index = entries.index(forKey: key) {
            if entries.values[index].lastPass != pass {
                entries.values[index].lastPass = pass
                used += 1
            }
            return entries.values[index].flows
        }
        let flows = LocalMACFlows(key)
        entries[key] = Entry(flows: flows, lastPass: pass)
        used += 1
        return flows
    }

    /// Forgets what this pass did not ask for.
    mutating func endPass() {
        if used < entries.count {
            let pass = self.pass
            // A MAC or two aged out: removed where they are, not the table rebuilt.
            if used > entries.count / 2 {
                let stale = entries.filter { $0.value.lastPass != pass }.keys
                for key in stale { entries.removeValue(forKey: key) }
            } else {
                entries = entries.filter { $0.value.lastPass == pass }
            }
        }
        pass += 1
        used = 0
    }
}
