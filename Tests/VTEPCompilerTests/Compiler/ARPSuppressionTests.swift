import TestSupport
import Testing

@testable import OVSDB
@testable import OVSDatapathCore
@testable import VTEPCompiler
@testable import VTEPModel

/// ARP suppression's flows (issue 25): with
/// `other_config:arp-suppression=true`, ARP requests for addresses the
/// database knows go up to be answered, everything else broadcast is
/// flooded as before, and no two flows overlap. Pure: no kernel.
@Suite struct ARPSuppressionTests {
    typealias Seed = SeedScenario
    static let vm3 = EthernetAddress("00:11:22:33:44:55")!

    /// The seed with VM3's remote row carrying 192.168.100.55, p1 bound to
    /// ls0 too, and suppression set to `setting` (nil: the key absent).
    static func seed(_ setting: String?) -> Seed {
        var seed = Seed()
        seed.bind(seed.p1, vlan: 10, to: seed.ls0)
        for (id, var row) in seed.db.ucastMacsRemote.rows where row.mac == vm3.description {
            row.ipaddr = "192.168.100.55"
            seed.db.ucastMacsRemote.set(id, row)
        }
        var ls = seed.db.logicalSwitches[seed.ls0]!
        ls.otherConfig[ARPSuppression.otherConfigKey] = setting
        seed.db.logicalSwitches.set(seed.ls0, ls)
        return seed
    }

    func text(_ state: DesiredDatapathState) -> [String] { VTEPCompilerTests().text(state) }

    @Test func requestsForAKnownAddressGoUpAndNothingOverlaps() {
        let state = Self.seed("true").compile()
        #expect(state.problems.isEmpty)
        let flows = text(state)
        let answering = flows.filter { $0.contains("userspace(") }
        #expect(answering.count == 1 && !answering[0].contains("in_port("), "one per switch, from any port: \(answering)")
        #expect(
            answering.allSatisfy { $0.contains("arp(tip=192.168.100.55,op=1/0xff)") && $0.contains("eth(dst=ff:ff:ff:ff:ff:ff)") },
            "\(answering)")
        // Other requests, other opcodes and the other EtherTypes' broadcast: flooded.
        let fromP0 = flows.filter { $0.contains("in_port(1)") && $0.contains("eth(dst=ff:ff:ff:ff:ff:ff)") }
        #expect(fromP0.filter { $0.contains("arp(") && !$0.contains("userspace(") }.count == 8 + 32, "\(fromP0)")
        #expect(fromP0.contains { $0.contains("eth_type(0x0800)") })
        #expect(fromP0.contains { $0.contains("eth_type(0x86dd)") })
        #expect(FlowOverlap.pairs(Array(state.flows.values)).isEmpty)
        #expect(state.findings.arpAnswering.answers[33] == [[192, 168, 100, 55]: Self.vm3])
        // A reply to p1 goes out tagged with p1's VLAN.
        let p1 = ARPAnswering.Port(vni: 33, portNumber: 2)
        #expect(state.findings.arpAnswering.replyActions[p1] == FlowBuilder.deliver(to: state.bindings.first { $0.portNumber == 2 }!))
        #expect(state.findings.arpAnswering.floodActions[p1]?.isEmpty == false)
        #expect(state.flows.values.filter { FlowKind(identity: $0.identity) == .arpAnswer }.count == 1)
    }

    @Test func theCutLeavesEveryOtherBroadcastAndMulticastFrameItsFlood() {
        let on = Self.seed("true").compile()
        // Probe frames: each must match exactly one flow of p0's stage 2, and (but for the
        // answered request) one with the same actions as the flood without suppression.
        let off = Self.seed(nil).compile()
        let flood = off.flows.values.first { $0.identity == FlowIdentity.flood(vni: 33, port: 1) }!.flow.actions
        func probe(_ destination: String, type: UInt16, arp: (op: UInt8, tip: UInt32)? = nil) -> [FlowAction]? {
            let candidates = on.flows.values.filter {
                $0.identity.hasPrefix("s2 vni=33 ") && (!$0.identity.contains("in_port=") || $0.identity.contains("in_port=1 "))
            }
            var packet = FlowBuilder(recirculation: RecirculationID.logicalSwitch(vni: 33)!.rawValue)
            packet.inPort(1)
            packet.ethernet(source: EthernetAddress("aa:00:00:00:00:01")!, destination: EthernetAddress(destination)!)
            packet.etherType(type)
            if let arp { packet.arp(op: arp.op, opMask: 0xff, target: arp.tip, targetMask: .max) }
            let exact = packet.key.map { attribute in
                FlowKeyAttribute(type: attribute.type, bytes: [UInt8](repeating: 0xff, count: attribute.bytes.count))
            }
            let frame = Flow(key: packet.key, mask: exact, actions: [])
            let matches = candidates.filter { FlowOverlap.overlap($0.flow, frame) }
            #expect(matches.count == 1, "\(destination) type \(type) \(String(describing: arp)): \(matches.map(\.identity))")
            return matches.first?.flow.actions
        }
        #expect(probe("ff:ff:ff:ff:ff:ff", type: 0x0800) == flood)
        #expect(probe("ff:ff:ff:ff:ff:ff", type: 0x86dd) == flood)
        #expect(probe("ff:ff:ff:ff:ff:ff", type: 0x0806, arp: (2, 0xC0A8_6437)) == flood, "a broadcast reply")
        #expect(probe("ff:ff:ff:ff:ff:ff", type: 0x0806, arp: (1, 0xC0A8_6438)) == flood, "an unknown target")
        #expect(
            probe("ff:ff:ff:ff:ff:ff", type: 0x0806, arp: (1, 0xC0A8_6437))?.first.map { if case .userspace = $0 { true } else { false } }
                == true)
        #expect(probe("01:00:5e:00:00:01", type: 0x0800) == flood, "multicast is not cut")
        #expect(probe("33:33:00:00:00:01", type: 0x86dd) == flood)
    }

    @Test func offByDefaultAndWithoutAListener() {
        let off = Self.seed(nil).compile()
        #expect(!text(off).contains { $0.contains("arp(") })
        #expect(off.findings.arpAnswering == ARPAnswering())
        #expect(!text(Self.seed("false").compile()).contains { $0.contains("arp(") })
        // Nobody to hand requests to (`vtep-kdp sync`): the flood stays whole.
        let deaf = VTEPCompiler.compile(
            CompilerInput(database: Self.seed("true").db, switchName: "br0", portNumbers: ["p0": 1, "p1": 2], tunnelPort: 3))
        #expect(!text(deaf).contains { $0.contains("arp(") })
    }

    @Test func anAddressTwoMACsClaimIsNotAnswered() {
        var seed = Self.seed("true")
        seed.addUcastRemote("00:11:22:33:44:66", "10.2.2.3")
        for (id, var row) in seed.db.ucastMacsRemote.rows where row.mac == "00:11:22:33:44:66" {
            row.ipaddr = "192.168.100.55"
            seed.db.ucastMacsRemote.set(id, row)
        }
        let state = seed.compile()
        #expect(state.findings.arpAnswering.answers[33] == [:])
        #expect(!text(state).contains { $0.contains("userspace(") })
    }

    @Test func theCoverOfABitFieldIsExactAndSmall() {
        let ops = ARPSuppression.cover(width: 8, excluding: [1])
        #expect(ops.count == 8)
        for value in UInt64(0)...255 {
            #expect(ops.filter { value & $0.mask == $0.value }.count == (value == 1 ? 0 : 1), "op \(value)")
        }
        let excluded: Set<UInt64> = [0xC0A8_6437, 0xC0A8_6438, 0x0A00_0001]
        let targets = ARPSuppression.cover(width: 32, excluding: excluded)
        #expect(targets.count <= 32 * excluded.count)
        var rng = SplitMix64(state: 25)
        for value in Array(excluded) + (0..<2000).map({ _ in rng.next() & 0xffff_ffff }) + [0xC0A8_6436, 0xC0A8_6439] {
            #expect(targets.filter { value & $0.mask == $0.value }.count == (excluded.contains(value) ? 0 : 1), "tip \(value)")
        }
        #expect(ARPSuppression.cover(width: 32, excluding: []).map(\.mask) == [0], "nothing known: one wildcard")
    }

    @Test func anotherBroadcastEtherTypeGetsItsFloodOnTheMissThatRevealsIt() {
        let seed = Self.seed("true")
        let before = seed.compile()
        let context = MissContext(
            bindings: before.bindings, tunnelPort: 3, portNames: [1: "p0", 2: "p1"], tunnelIP: before.tunnelIP,
            tunnelSources: before.tunnelSources, suppressingVNIs: Set(before.findings.arpAnswering.answers.keys))
        let miss = LearningTests.upcall(
            inPort: 1, recirc: RecirculationID.logicalSwitch(vni: 33)!.rawValue, source: LearningTests.vm1,
            destination: ARPSuppression.broadcast, etherType: 0x88b5)
        let decision = MissClassifier.classify(miss, in: context)
        let fact = UnknownDestination(vni: 33, port: "p0", mac: ARPSuppression.broadcast, etherType: 0x88b5)
        #expect(decision == .unknownDestination(fact))
        // IPv4's broadcast has its flow up front: a miss of it (a transition) teaches nothing.
        let ipv4 = LearningTests.upcall(
            inPort: 1, recirc: RecirculationID.logicalSwitch(vni: 33)!.rawValue, source: LearningTests.vm1,
            destination: ARPSuppression.broadcast, etherType: 0x0800)
        #expect(
            MissClassifier.classify(ipv4, in: context)
                != .unknownDestination(UnknownDestination(vni: 33, port: "p0", mac: ARPSuppression.broadcast, etherType: 0x0800)))
        // An unknown unicast whose fact a full table refused still finds the port's flood actions.
        let unicast = MissDecision.unknownDestination(UnknownDestination(vni: 33, port: "p0", mac: LearningTests.other))
        let floodFlow = unicast.sendingFlowIdentities(tunnelPort: 3, portNumbers: ["p0": 1]).compactMap {
            before.flows[FlowUFID(deriving: $0)]
        }.first
        #expect(
            floodFlow?.flow.actions
                == before.flows.values.first { $0.identity == FlowIdentity.broadcast(vni: 33, port: 1, etherType: 0x0800) }?.flow.actions)
        #expect(floodFlow != nil)
        // Without suppression the broadcast has its flood flow already: nothing to learn.
        var plain = context
        plain.suppressingVNIs = []
        #expect(MissClassifier.classify(miss, in: plain) != decision)

        let after = seed.compile(facts: MissFacts(unknownDestinations: [fact]))
        let ufid = FlowUFID(deriving: FlowIdentity.broadcast(vni: 33, port: 1, etherType: 0x88b5))
        let flood = after.flows.values.first { $0.identity == FlowIdentity.broadcast(vni: 33, port: 1, etherType: 0x0800) }?.flow.actions
        #expect(after.flows[ufid]?.flow.actions == flood)
        #expect(after.liveFacts.unknownDestinations == [fact])
        #expect(FlowOverlap.pairs(Array(after.flows.values)).isEmpty)
        #expect(decision.sendingFlowIdentities(tunnelPort: 3, portNumbers: ["p0": 1, "p1": 2]).first.map(FlowUFID.init(deriving:)) == ufid)
        // After a restart the flow tells it again; the broadcast flows made up front teach nothing.
        var recovered = LearnedState()
        recovered.recover(from: after.flows.values.map(\.flow), tunnelPort: 3, portNames: [1: "p0", 2: "p1"])
        #expect(recovered.facts.unknownDestinations == [fact])
    }
}
