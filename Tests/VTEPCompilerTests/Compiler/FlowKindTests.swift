import TestSupport
import Testing

@testable import VTEPCompiler

/// Each identity the compiler makes reads back as the kind of flow it is
/// (the metrics count flows by it), and none of them as `other`.
@Suite struct FlowKindTests {
    static let mac = EthernetAddress("02:00:00:00:01:01")!
    static let group = EthernetAddress("01:00:5e:00:00:fb")!

    @Test func everyIdentityTheCompilerMakesHasItsKind() {
        let cases: [(String, FlowKind)] = [
            (FlowIdentity.ingress(port: 1, source: Self.mac), .ingress),
            (FlowIdentity.taggedIngress(port: 1, vlan: 100, etherType: 0x0800, source: Self.mac), .ingress),
            (FlowIdentity.unboundUntagged(port: 2), .ingressDrop),
            (FlowIdentity.unboundTagged(port: 2, vlan: 7, etherType: 0x0806), .ingressDrop),
            (FlowIdentity.forward(vni: 33, destination: Self.mac), .forward),
            (FlowIdentity.flood(vni: 33, port: 1), .flood),
            (FlowIdentity.floodPart(vni: 33, port: 1, MulticastCover.Match(value: [1, 0, 0, 0, 0, 0], mask: [1, 0, 0, 0, 0, 0])), .flood),
            (FlowIdentity.multicastGroup(vni: 33, port: 1, group: Self.group), .flood),
            (FlowIdentity.unknownFlood(vni: 33, port: 1, destination: Self.mac), .flood),
            (FlowIdentity.tunnelAdmission(vni: 33, tunnelPort: 3, source: [10, 2, 2, 2], destination: [10, 2, 2, 1]), .tunnelAdmission),
            (FlowIdentity.unknownVNI(44, tunnelPort: 3), .tunnelDrop),
            (FlowIdentity.tunnelDeliver(vni: 33, tunnelPort: 3, destination: Self.mac), .tunnelDeliver),
            (FlowIdentity.tunnelFlood(vni: 33, tunnelPort: 3), .tunnelFlood),
        ]
        for (identity, kind) in cases { #expect(FlowKind(identity: identity) == kind, "\(identity)") }
        #expect(FlowKind(identity: "") == .other)
        #expect(FlowKind(identity: "x1 y") == .other)
    }

    @Test func theSeedScenarioHasEveryFlowKindOnItsPath() {
        let state = SeedScenario().compile(localMACs: [SeedScenario.vm1])
        var counts: [FlowKind: Int] = [:]
        for flow in state.flows.values { counts[FlowKind(identity: flow.identity), default: 0] += 1 }
        #expect(
            counts == [.ingress: 1, .ingressDrop: 1, .tunnelAdmission: 2, .forward: 2, .flood: 1, .tunnelFlood: 1, .tunnelDeliver: 1])
    }
}

/// The upcall metrics make one counter per `MissDecision.labels` entry:
/// every decision's label must be among them.
@Suite struct MissDecisionLabelTests {
    @Test func everyDecisionsLabelIsListed() {
        let mac = EthernetAddress("02:00:00:00:01:01")!
        let decisions: [MissDecision] = [
            .learn(LocalMAC(mac: mac, port: "p0", vlan: 0), vni: 33, etherType: nil),
            .unknownDestination(UnknownDestination(vni: 33, port: "p0", mac: mac)),
            .unboundTagged(UnboundTagged(port: "p0", vlan: 7, etherType: 0x0800)),
            .unknownVNI(44),
            .rejectedTunnel(RejectedTunnel(vni: 33, source: [10, 0, 0, 9], destination: [10, 0, 0, 1])),
            .ignore("test"),
        ]
        #expect(decisions.map(\.label) == MissDecision.labels)
    }
}
