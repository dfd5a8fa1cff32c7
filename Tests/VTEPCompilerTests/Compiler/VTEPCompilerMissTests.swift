import Testing

@testable import OVSDatapathCore
@testable import VTEPCompiler

/// The compiler's flows for what flow-table misses revealed (MissFacts),
/// tagged bindings, drops, and the invariant that no two flows overlap.
@Suite struct VTEPCompilerMissTests {
    typealias Seed = VTEPCompilerTests.Seed
    static let vm1 = VTEPCompilerTests.vm1
    static let stranger = EthernetAddress("0e:00:00:00:00:99")!

    func text(_ state: DesiredDatapathState) -> [String] { VTEPCompilerTests().text(state) }

    @Test func aTaggedBindingHasAStageOneFlowPerInnerEtherTypeAndTagsOnTheWayOut() {
        var seed = Seed()
        let ls1 = seed.bind(seed.p1, vlan: 10, newSwitch: "ls1", vni: 44)
        _ = ls1
        let tagged = LocalMAC(mac: EthernetAddress("02:00:00:00:02:02")!, port: "p1", vlan: 10)
        var facts = MissFacts()
        facts.taggedEtherTypes[tagged] = [0x0800, 0x0806]
        let flows = text(seed.compile(localMACs: [Self.vm1, tagged], facts: facts))
        #expect(
            flows.contains(
                "recirc_id(0),in_port(2),eth(src=02:00:00:00:02:02),eth_type(0x8100),vlan(vid=10),encap(eth_type(0x0800)), actions:pop_vlan,recirc(0x100002c)"
            ), "\(flows)")
        // p1 has no untagged binding: its untagged frames are dropped.
        #expect(flows.contains("recirc_id(0),in_port(2),eth(), actions:drop"))
        #expect(flows.filter { $0.contains("eth(src=02:00:00:00:02:02)") && $0.hasSuffix("pop_vlan,recirc(0x100002c)") }.count == 2)
        // Delivery to it pushes the tag, from stage 2 and from the tunnel.
        #expect(flows.contains("recirc_id(0x100002c),eth(dst=02:00:00:00:02:02), actions:push_vlan(vid=10,pcp=0),2,pop_vlan"), "\(flows)")
        #expect(
            flows.contains {
                $0.hasPrefix("recirc_id(0x200002c),in_port(3)") && $0.contains("eth(dst=02:00:00:00:02:02)")
                    && $0.hasSuffix("actions:push_vlan(vid=10,pcp=0),2,pop_vlan")
            })
        // BUM from the tagged binding (after its tag was popped) goes to ls1's locators only, not to ls0's p0.
        let bum = flows.first { $0.hasPrefix("recirc_id(0x100002c),in_port(2),eth(dst=01:00:00:00:00:00/") }
        #expect(bum?.hasSuffix("actions:") == true || bum?.contains("actions:drop") == true, "\(String(describing: bum))")
        // Without a learned EtherType there is no stage-1 flow for it yet.
        #expect(!text(seed.compile(localMACs: [Self.vm1, tagged])).contains { $0.contains("eth(src=02:00:00:00:02:02)") })
    }

    @Test func twoLogicalSwitchesOnOnePortInDifferentVLANsStayApart() {
        var seed = Seed()
        let ls1 = seed.bind(seed.p0, vlan: 10, newSwitch: "ls1", vni: 44)
        seed.bind(seed.p1, vlan: 10, to: ls1)
        let a = LocalMAC(mac: EthernetAddress("02:00:00:00:0a:01")!, port: "p0", vlan: 10)
        let b = LocalMAC(mac: EthernetAddress("02:00:00:00:0a:02")!, port: "p1", vlan: 10)
        var facts = MissFacts()
        facts.taggedEtherTypes = [a: [0x0800], b: [0x0800]]
        let state = seed.compile(localMACs: [Self.vm1, a, b], facts: facts)
        let flows = text(state)
        // ls0's flood from p0 (untagged) never reaches ls1's VLAN 10, and the other way round.
        let ls0Flood = flows.first { $0.hasPrefix("recirc_id(0x1000021),in_port(1),eth(dst=01") }!
        #expect(!ls0Flood.contains("push_vlan"))
        let ls1FloodFromP0 = flows.first { $0.hasPrefix("recirc_id(0x100002c),in_port(1),eth(dst=01") }!
        #expect(ls1FloodFromP0.hasSuffix("actions:push_vlan(vid=10,pcp=0),2,pop_vlan"), "\(ls1FloodFromP0)")
        // VM1's MAC is unknown in ls1: no ls1 flow delivers to it.
        #expect(!flows.contains { $0.hasPrefix("recirc_id(0x100002c),eth(dst=02:00:00:00:01:01)") })
        #expect(FlowOverlap.pairs(Array(state.flows.values)).isEmpty)
    }

    @Test func twoVLANsOfOnePortOnOneLogicalSwitchIsAFault() {
        var seed = Seed()
        seed.bind(seed.p0, vlan: 10, to: seed.ls0)
        let state = seed.compile(localMACs: [Self.vm1])
        #expect(state.portFaults == ["p0": ["invalid_vlan_map"]])
        #expect(state.problems.count == 1 && state.problems[0].contains("already bound on this port"), "\(state.problems)")
        #expect(text(state) == text(Seed().compile(localMACs: [Self.vm1])))
    }

    @Test func anUnknownDestinationIsFloodedUntilSomebodyClaimsIt() {
        var seed = Seed()
        var facts = MissFacts()
        facts.unknownDestinations = [
            UnknownDestination(vni: 33, port: "p0", mac: Self.stranger),
            UnknownDestination(vni: 33, port: nil, mac: Self.stranger),
        ]
        let flows = text(seed.compile(localMACs: [Self.vm1], facts: facts))
        let bum = flows.first { $0.hasPrefix("recirc_id(0x1000021),in_port(1),eth(dst=01") }!
        let fromP0 = flows.first { $0.hasPrefix("recirc_id(0x1000021),in_port(1),eth(dst=0e:00:00:00:00:99)") }
        #expect(fromP0?.components(separatedBy: "actions:").last == bum.components(separatedBy: "actions:").last)
        #expect(flows.contains("recirc_id(0x2000021),in_port(3),eth(dst=0e:00:00:00:00:99), actions:1"))

        // A remote row for it: the flood flows go, the known-MAC flow comes.
        seed.addUcastRemote(Self.stranger.description, "10.2.2.3")
        let claimed = text(seed.compile(localMACs: [Self.vm1], facts: facts))
        #expect(!claimed.contains { $0.contains("in_port(1),eth(dst=0e:00:00:00:00:99)") })
        #expect(!claimed.contains { $0.hasPrefix("recirc_id(0x2000021)") && $0.contains("dst=0e:00:00:00:00:99") })
        #expect(claimed.contains { $0.hasPrefix("recirc_id(0x1000021),eth(dst=0e:00:00:00:00:99), actions:set(tunnel(") })

        // Learned locally instead: the tunnel flow keeps its match (and UFID) and now delivers.
        let local = LocalMAC(mac: Self.stranger, port: "p0", vlan: 0)
        let learned = Seed().compile(localMACs: [Self.vm1, local], facts: facts)
        let unknown = Seed().compile(localMACs: [Self.vm1], facts: facts)
        let tunnelUFID = FlowUFID(deriving: FlowIdentity.tunnelDeliver(vni: 33, tunnelPort: 3, destination: Self.stranger))
        #expect(unknown.flows[tunnelUFID] != nil && learned.flows[tunnelUFID] != nil)
        #expect(learned.flows[FlowUFID(deriving: FlowIdentity.unknownFlood(vni: 33, port: 1, destination: Self.stranger))] == nil)
    }

    @Test func unboundVLANsAndForeignVNIsAreDroppedUntilTheyBecomeBound() {
        var seed = Seed()
        var facts = MissFacts()
        facts.unboundTagged = [UnboundTagged(port: "p0", vlan: 20, etherType: 0x0806)]
        facts.unknownVNIs = [77]
        let flows = text(seed.compile(localMACs: [Self.vm1], facts: facts))
        #expect(
            flows.contains {
                $0.hasPrefix("recirc_id(0),in_port(1),eth(),eth_type(0x8100),vlan(vid=20") && $0.contains("eth_type(0x0806)")
                    && $0.hasSuffix("actions:drop")
            }, "\(flows)")
        #expect(flows.contains("recirc_id(0),tunnel(tun_id=0x4d,flags(+key)),in_port(3),eth(), actions:drop"), "\(flows)")

        seed.bind(seed.p0, vlan: 20, newSwitch: "ls77", vni: 77)
        let bound = text(seed.compile(localMACs: [Self.vm1], facts: facts))
        #expect(!bound.contains { $0.hasSuffix("actions:drop") && $0.contains("vid=20") })
        #expect(!bound.contains { $0.contains("tun_id=0x4d") && $0.hasSuffix("actions:drop") })
    }

    @Test func noTwoFlowsEverOverlap() {
        var seed = Seed()
        let ls1 = seed.bind(seed.p0, vlan: 10, newSwitch: "ls1", vni: 44)
        seed.bind(seed.p1, vlan: 0, to: ls1)
        seed.bind(seed.p1, vlan: 30, newSwitch: "ls2", vni: 55)
        seed.addMcastRemote(["10.2.2.7"], in: ls1)
        var locals = [Self.vm1]
        var facts = MissFacts()
        for i in 0..<20 {
            let mac = EthernetAddress(String(format: "02:00:00:00:%02x:%02x", i / 4, i))!
            let (port, vlan): (String, UInt16) = [("p0", 0), ("p0", 10), ("p1", 0), ("p1", 30)][i % 4]
            let local = LocalMAC(mac: mac, port: port, vlan: vlan)
            locals.append(local)
            if vlan != 0 { facts.taggedEtherTypes[local] = [0x0800, 0x0806, 0x86dd] }
            seed.addUcastRemote(String(format: "0a:00:00:00:00:%02x", i), "10.2.2.\(3 + i % 3)", in: i % 2 == 0 ? seed.ls0 : ls1)
            facts.unknownDestinations.insert(
                UnknownDestination(
                    vni: i % 2 == 0 ? 33 : 44, port: i % 3 == 0 ? nil : "p0",
                    mac: EthernetAddress(String(format: "0e:00:00:00:00:%02x", i % 7))!))
        }
        // Some unknowns that are in fact known (remote or local): must not add a second flow.
        facts.unknownDestinations.insert(UnknownDestination(vni: 33, port: "p0", mac: EthernetAddress("0a:00:00:00:00:00")!))
        facts.unknownDestinations.insert(UnknownDestination(vni: 33, port: nil, mac: Self.vm1.mac))
        facts.unboundTagged = [
            UnboundTagged(port: "p0", vlan: 99, etherType: 0x0800), UnboundTagged(port: "p1", vlan: 10, etherType: 0x0806),
        ]
        facts.unknownVNIs = [7, 8]
        let state = seed.compile(localMACs: locals, facts: facts)
        #expect(state.problems.isEmpty, "\(state.problems)")
        #expect(state.flows.count > 100)
        let overlaps = FlowOverlap.pairs(Array(state.flows.values))
        #expect(overlaps.isEmpty, "\(overlaps.prefix(5))")
        // And the checker itself sees an overlap when there is one.
        #expect(FlowOverlap.overlap(state.flows.values.first!.flow, state.flows.values.first!.flow))
    }
}
