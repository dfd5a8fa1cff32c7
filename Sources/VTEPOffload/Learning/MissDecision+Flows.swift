/// Which kernel flows a miss decision puts in. One mapping serves the
/// daemon twice: to send a missed frame on with the actions of the flow its
/// decision installed, and to age a learned MAC or a remembered miss by the
/// last use of that flow.
extension MissDecision {
    /// The identities of the flows this decision gives the kernel (see
    /// `FlowIdentity`); `portNumber` resolves a port name to its datapath
    /// port, and a decision about a port not in the datapath has none.
    func flowIdentities(tunnelPort: UInt32, portNumber: (String) -> UInt32?) -> [String] {
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
            return portNumber(name).map { [FlowIdentity.unknownFlood(vni: unknown.vni, port: $0, destination: unknown.mac)] } ?? []
        case .unboundTagged(let unbound):
            return portNumber(unbound.port).map { [FlowIdentity.unboundTagged(port: $0, vlan: unbound.vlan, etherType: unbound.etherType)] } ?? []
        case .unknownVNI(let vni):
            return [FlowIdentity.unknownVNI(vni, tunnelPort: tunnelPort)]
        case .ignore:
            return []
        }
    }
}

extension LearnedState {
    /// The decisions that taught each learned MAC: one per stage-1 flow it
    /// has (a tagged source's, one per inner EtherType seen).
    func learnDecisions(of local: LocalMAC, vni: UInt32) -> [MissDecision] {
        if local.vlan == 0 { return [.learn(local, vni: vni, etherType: nil)] }
        return (facts.taggedEtherTypes[local] ?? []).sorted().map { .learn(local, vni: vni, etherType: $0) }
    }
}
