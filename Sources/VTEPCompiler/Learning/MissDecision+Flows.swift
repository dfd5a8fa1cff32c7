/// Which kernel flows a miss decision puts in: the compiler's one answer.
/// It serves the daemon three times: to send a new source's frame on before
/// the pass (`stageOneFlow`), to send other missed frames on with the
/// actions of the flow their decision installed (`sendingFlowIdentities`),
/// and to age a learned MAC or a remembered miss by the last use of its flows.
extension MissDecision {
    /// The identities of the flows this decision gives the kernel (see
    /// `FlowIdentity`); `portNumber` resolves a port name to its datapath
    /// port, and a decision about a port not in the datapath has none.
    package func flowIdentities(tunnelPort: UInt32, portNumber: (String) -> UInt32?) -> [String] {
        switch self {
        case .learn(let local, _, let etherType):
            guard let port = portNumber(local.port) else { return [] }
            if local.vlan == 0 { return [FlowIdentity.ingress(port: port, source: local.mac)] }
            // A tagged source has a stage-1 flow per inner EtherType (the
            // kernel cannot wildcard it); without one there is none yet.
            return etherType.map { [FlowIdentity.taggedIngress(port: port, vlan: local.vlan, etherType: $0, source: local.mac)] } ?? []
        case .unknownDestination(let unknown):
            guard let name = unknown.port else {
                return [FlowIdentity.tunnelDeliver(vni: unknown.vni, tunnelPort: tunnelPort, destination: unknown.mac)]
            }
            if let type = unknown.etherType {
                return portNumber(name).map { [FlowIdentity.broadcast(vni: unknown.vni, port: $0, etherType: type)] } ?? []
            }
            return portNumber(name).map { [FlowIdentity.unknownFlood(vni: unknown.vni, port: $0, destination: unknown.mac)] } ?? []
        case .unboundTagged(let unbound):
            return portNumber(unbound.port).map { [FlowIdentity.unboundTagged(port: $0, vlan: unbound.vlan, etherType: unbound.etherType)] }
                ?? []
        case .unknownVNI(let vni):
            return [FlowIdentity.unknownVNI(vni, tunnelPort: tunnelPort)]
        case .rejectedTunnel(let rejected):
            return [
                FlowIdentity.tunnelAdmission(
                    vni: rejected.vni, tunnelPort: tunnelPort, source: rejected.source, destination: rejected.destination)
            ]
        case .ignore:
            return []
        }
    }
}

extension MissDecision {
    /// The stage-1 flow a `learn` decision gives its source — built by the
    /// same `LocalMACFlows` the compiler uses, so it is the flow the next
    /// pass installs, and a new source's first frame can go on before that
    /// pass. Nil for other decisions.
    public func stageOneFlow(in context: MissContext) -> CompiledFlow? {
        guard case .learn(let local, let vni, let etherType) = self,
            let binding = context.bindings.first(where: { $0.port == local.port && $0.vlan == local.vlan && $0.vni == vni }),
            let recirculation = RecirculationID.logicalSwitch(vni: vni)?.rawValue,
            let tunnelRecirculation = RecirculationID.tunnel(vni: vni)?.rawValue
        else { return nil }
        let flows = LocalMACFlows(
            .init(
                local: local, binding: binding, recirculation: recirculation, tunnelRecirculation: tunnelRecirculation,
                tunnelPort: context.tunnelPort, etherTypes: etherType.map { [$0] } ?? []))
        return flows.flows.first { $0.countsFrom != nil }
    }

    /// The identities of the flows a missed frame may now match, most
    /// specific first: the decision's own; for an unknown destination
    /// that was learned meanwhile, its forwarding flow; and last the flood
    /// flow of where it came from, whose actions an unknown destination's
    /// flood has — so a frame whose fact was refused (a full table) is
    /// still flooded, only without a flow of its own. Drop flows have no
    /// actions, so their frames are not sent on.
    /// - Parameters:
    ///   - tunnelPort: the VXLAN port's number.
    ///   - portNumbers: datapath port numbers by name.
    public func sendingFlowIdentities(tunnelPort: UInt32, portNumbers: [String: UInt32]) -> [String] {
        var identities = flowIdentities(tunnelPort: tunnelPort) { portNumbers[$0] }
        if case .unknownDestination(let unknown) = self {
            if let name = unknown.port {
                identities.append(FlowIdentity.forward(vni: unknown.vni, destination: unknown.mac))
                if let port = portNumbers[name] {
                    identities.append(FlowIdentity.flood(vni: unknown.vni, port: port))
                    // With ARP suppression the port's flood is cut into pieces; its IPv4 broadcast has the same actions.
                    identities.append(FlowIdentity.broadcast(vni: unknown.vni, port: port, etherType: 0x0800))
                }
            } else {
                identities.append(FlowIdentity.tunnelFlood(vni: unknown.vni, tunnelPort: tunnelPort))
            }
        }
        return identities
    }
}

extension LearnedState {
    /// The decisions that taught each learned MAC: one per stage-1 flow it
    /// has (a tagged source's, one per inner EtherType seen).
    package func learnDecisions(of local: LocalMAC, vni: UInt32) -> [MissDecision] {
        if local.vlan == 0 { return [.learn(local, vni: vni, etherType: nil)] }
        return (facts.taggedEtherTypes[local] ?? []).sorted().map { .learn(local, vni: vni, etherType: $0) }
    }
}

extension MissFacts {
    /// The remembered misses that age on their own (unknown destinations,
    /// unbound VLANs, foreign VNIs, rejected tunnel sources), as the
    /// decisions that taught them; a tagged MAC's EtherTypes age with the MAC.
    public var rememberedMisses: [MissDecision] {
        unknownDestinations.map { .unknownDestination($0) } + unboundTagged.map { .unboundTagged($0) }
            + unknownVNIs.map { .unknownVNI($0) } + rejectedTunnels.map { .rejectedTunnel($0) }
    }
}
