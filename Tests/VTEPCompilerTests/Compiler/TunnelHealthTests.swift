import TestSupport
import Testing

@testable import OVSDB
@testable import OVSDatapathCore
@testable import VTEPCompiler
@testable import VTEPModel

/// BFD's part of the compile (issue 22): the flows that hand a remote's BFD
/// to userspace, VNI 0 kept for them, and BUM sent by the locators' health.
@Suite struct TunnelHealthTests {
    typealias Seed = SeedScenario
    static let local: [UInt8] = [10, 2, 2, 1]
    static let (sn2, sn4, sn5): ([UInt8], [UInt8], [UInt8]) = ([10, 2, 2, 2], [10, 2, 2, 4], [10, 2, 2, 5])

    static func bfdUFID(_ remote: [UInt8]) -> FlowUFID {
        FlowUFID(deriving: FlowIdentity.tunnelAdmission(vni: 0, tunnelPort: 3, source: remote, destination: local))
    }

    /// The locators the flood from p0 (port 1) sends to, in order.
    /// (The flood itself, or a part of it when multicast groups cut it.)
    static func floodTargets(_ state: DesiredDatapathState) -> [[UInt8]] {
        let flood =
            state.flows[FlowUFID(deriving: FlowIdentity.flood(vni: 33, port: 1))]
            ?? state.flows.values.first { $0.identity.hasPrefix("s2 vni=33 in_port=1 dst=") && $0.identity.contains("/") }
        return flood?.flow.actions.compactMap { action -> [UInt8]? in
            guard case .set(let attribute) = action, attribute.type == OVSKey.tunnel else { return nil }
            return attribute.children[type: OVSTunnelKey.ipv4Destination]?.bytes
        } ?? []
    }

    @Test func aTunnelWithBFDEnabledGetsAFlowToUserspaceAndOthersDoNot() throws {
        var seed = Seed()
        seed.addTunnel(to: "10.2.2.2", params: ["enable": "true", "min_tx": "300"])
        seed.addTunnel(to: "10.2.2.3", params: ["enable": "false"])
        seed.addTunnel(to: "10.2.2.9", params: ["enable": "true"])  // no locator of ours: no session
        let state = seed.compile()
        #expect(state.bfdTunnels == [BFDTunnel(remote: Self.sn2, params: ["enable": "true", "min_tx": "300"])])
        let flow = try #require(state.flows[Self.bfdUFID(Self.sn2)])
        #expect(flow.flow.actions == [.userspace(pid: 77, userdata: BFDTunnel.upcallCookie, egressTunnelPort: nil)])
        let fields = FlowKeyFields(key: flow.flow.key, mask: flow.flow.mask)
        #expect(fields.tunnelID == 0 && fields.tunnelSource == Self.sn2 && fields.tunnelDestination == Self.local && fields.inPort == 3)
        #expect(state.flows[Self.bfdUFID([10, 2, 2, 3])] == nil)
        #expect(state.flows[Self.bfdUFID([10, 2, 2, 9])] == nil)
        #expect(FlowOverlap.pairs(Array(state.flows.values)).isEmpty)
        // Nobody to hand them to (`vtep-kdp sync`, no listener): no BFD flows at all.
        let deaf = VTEPCompiler.compile(CompilerInput(database: seed.db, switchName: "br0", portNumbers: ["p0": 1], tunnelPort: 3))
        #expect(deaf.flows[Self.bfdUFID(Self.sn2)] == nil && deaf.bfdTunnels.isEmpty)
    }

    @Test func vniZeroFromAnyoneElseIsDroppedExactlyNeverWide() {
        var seed = Seed()
        seed.addTunnel(to: "10.2.2.2", params: ["enable": "true"])
        var facts = MissFacts()
        facts.unknownVNIs = [0, 77]
        let rogue = RejectedTunnel(vni: 0, source: [10, 9, 9, 9], destination: Self.local)
        let bfdPeer = RejectedTunnel(vni: 0, source: Self.sn2, destination: Self.local)
        facts.rejectedTunnels = [rogue, bfdPeer]
        let state = seed.compile(facts: facts)
        #expect(state.flows[FlowUFID(deriving: FlowIdentity.unknownVNI(0, tunnelPort: 3))] == nil, "no wide VNI 0 drop")
        #expect(state.flows[FlowUFID(deriving: FlowIdentity.unknownVNI(77, tunnelPort: 3))]?.flow.actions == [])
        #expect(state.flows[Self.bfdUFID(rogue.source)]?.flow.actions == [])
        #expect(state.flows[Self.bfdUFID(Self.sn2)]?.flow.actions.count == 1, "the BFD peer keeps its userspace flow")
        #expect(FlowOverlap.pairs(Array(state.flows.values)).isEmpty)
    }

    @Test func aVNIZeroMissIsAnExactRejectionOrTheBFDFlowOnItsWay() {
        let key = { (source: [UInt8]) in
            [
                FlowKeyAttribute(type: OVSKey.inPort, bytes: withUnsafeBytes(of: UInt32(3)) { Array($0) }),
                FlowKeyAttribute(
                    type: OVSKey.tunnel,
                    nested: [
                        FlowKeyAttribute(type: OVSTunnelKey.id, bytes: [0, 0, 0, 0, 0, 0, 0, 0]),
                        FlowKeyAttribute(type: OVSTunnelKey.ipv4Source, bytes: source),
                        FlowKeyAttribute(type: OVSTunnelKey.ipv4Destination, bytes: Self.local),
                    ]),
                FlowKeyAttribute(type: OVSKey.ethernet, bytes: [0, 0x23, 0x20, 0, 0, 1, 2, 0, 0, 0, 0, 1]),
            ]
        }
        let context = MissContext(bindings: [], tunnelPort: 3, portNames: [:], tunnelIP: Self.local, bfdRemotes: [Self.sn2])
        let rogue = MissClassifier.classify(Upcall(reason: .miss, datapathIfindex: 1, key: key([10, 9, 9, 9]), packet: [0]), in: context)
        #expect(rogue == .rejectedTunnel(RejectedTunnel(vni: 0, source: [10, 9, 9, 9], destination: Self.local)))
        let peer = MissClassifier.classify(Upcall(reason: .miss, datapathIfindex: 1, key: key(Self.sn2), packet: [0]), in: context)
        guard case .ignore = peer else {
            Issue.record("BFD from a peer whose flow is on its way is ignored, got \(peer)")
            return
        }
    }

    @Test func serviceNodeModeSendsBUMToTheLowestHealthyNodeAndKeepsIt() {
        var seed = Seed()
        seed.addMcastRemote(["10.2.2.4", "10.2.2.5"])  // service nodes .2, .4, .5
        // Nothing known: the lowest.
        var state = seed.compile()
        #expect(Self.floodTargets(state) == [Self.sn2] && state.serviceNodes[33] == Self.sn2)
        // .2 down: the next lowest.
        state = seed.compile(health: LocatorHealth(down: [Self.sn2], serviceNodes: [33: Self.sn2]))
        #expect(Self.floodTargets(state) == [Self.sn4] && state.serviceNodes[33] == Self.sn4)
        #expect(!state.switchFaults.contains("unspecified_fault"))
        // .2 back: BUM stays on .4 (sticky), no flap.
        state = seed.compile(health: LocatorHealth(down: [], serviceNodes: [33: Self.sn4]))
        #expect(Self.floodTargets(state) == [Self.sn4])
        // .4 down: not .5 but .2, the lowest healthy.
        state = seed.compile(health: LocatorHealth(down: [Self.sn4], serviceNodes: [33: Self.sn4]))
        #expect(Self.floodTargets(state) == [Self.sn2])
        // All down: the configured lowest, and the switch says so.
        state = seed.compile(health: LocatorHealth(down: [Self.sn2, Self.sn4, Self.sn5], serviceNodes: [33: Self.sn4]))
        #expect(Self.floodTargets(state) == [Self.sn2])
        #expect(state.switchFaults.contains("unspecified_fault"))
        #expect(state.problems.contains { $0.contains("no service node is up by BFD") })
    }

    @Test func sourceNodeModeSkipsDeadMembers() {
        var seed = Seed()
        seed.addMcastRemote(["10.2.2.4", "10.2.2.5"])
        var ls = seed.db.logicalSwitches[seed.ls0]!
        ls.replicationMode = "source_node"
        seed.db.logicalSwitches.set(seed.ls0, ls)
        #expect(Self.floodTargets(seed.compile()) == [Self.sn2, Self.sn4, Self.sn5])
        #expect(Self.floodTargets(seed.compile(health: LocatorHealth(down: [Self.sn4]))) == [Self.sn2, Self.sn5])
        // All down: BFD may be wrong, traffic is not; all of them, and the switch says so.
        let allDown = seed.compile(health: LocatorHealth(down: [Self.sn2, Self.sn4, Self.sn5]))
        #expect(Self.floodTargets(allDown) == [Self.sn2, Self.sn4, Self.sn5] && allDown.switchFaults.contains("unspecified_fault"))
    }

    @Test func aMulticastGroupTakesTheServiceNodeUnknownDstTook() {
        var seed = Seed()
        seed.addMcastRemote(["10.2.2.4", "10.2.2.5"])
        let group = "01:00:5e:00:00:09"
        seed.addMcastRemote(["10.2.2.2", "10.2.2.4", "10.2.2.5"], mac: group)
        let state = seed.compile(health: LocatorHealth(down: [], serviceNodes: [33: Self.sn5]))
        #expect(Self.floodTargets(state) == [Self.sn5], "sticky")
        let flow = state.flows[FlowUFID(deriving: FlowIdentity.multicastGroup(vni: 33, port: 1, group: EthernetAddress(group)!))]
        let targets = flow?.flow.actions.compactMap { action -> [UInt8]? in
            guard case .set(let attribute) = action, attribute.type == OVSKey.tunnel else { return nil }
            return attribute.children[type: OVSTunnelKey.ipv4Destination]?.bytes
        }
        #expect(targets == [Self.sn5], "the group's BUM takes the same node, not its own lowest")
    }

    @Test func theChoiceIsReadBackFromTheKernelsFloods() {
        var seed = Seed()
        seed.addMcastRemote(["10.2.2.4", "10.2.2.5"])
        let state = seed.compile(health: LocatorHealth(down: [Self.sn2]))
        #expect(ServiceNodeChoice.recovered(from: state.flows.values.map(\.flow)) == [33: Self.sn4])
        // A restart that reads it back keeps BUM there once .2 is up again.
        let again = seed.compile(health: LocatorHealth(serviceNodes: ServiceNodeChoice.recovered(from: state.flows.values.map(\.flow))))
        #expect(Self.floodTargets(again) == [Self.sn4])
        // source_node: several destinations, nothing to keep.
        var ls = seed.db.logicalSwitches[seed.ls0]!
        ls.replicationMode = "source_node"
        seed.db.logicalSwitches.set(seed.ls0, ls)
        #expect(ServiceNodeChoice.recovered(from: seed.compile().flows.values.map(\.flow)).isEmpty)
    }

    @Test func theChoiceRuleOnItsOwn() {
        let (a, b, c): ([UInt8], [UInt8], [UInt8]) = ([1, 0, 0, 1], [1, 0, 0, 2], [1, 0, 0, 3])
        typealias Choice = ServiceNodeChoice.Choice
        #expect(ServiceNodeChoice.choose(configured: [c, a, b], down: [], previous: nil) == Choice(node: a, isFallback: false))
        #expect(ServiceNodeChoice.choose(configured: [c, a, b], down: [], previous: b) == Choice(node: b, isFallback: false))
        #expect(ServiceNodeChoice.choose(configured: [c, a, b], down: [b], previous: b) == Choice(node: a, isFallback: false))
        #expect(ServiceNodeChoice.choose(configured: [c, a], down: [], previous: b) == Choice(node: a, isFallback: false))
        #expect(ServiceNodeChoice.choose(configured: [c, a], down: [a, c], previous: c) == Choice(node: a, isFallback: true))
        #expect(ServiceNodeChoice.choose(configured: [], down: [], previous: a) == Choice(node: nil, isFallback: false))
    }
}
