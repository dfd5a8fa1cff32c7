import TestSupport
import Testing

@testable import OVSDatapathCore
@testable import VTEPCompiler

/// Random upcalls — any port, VLAN, EtherType, tunnel key, source and
/// destination, multicast or not — through the miss classifier into a
/// small learned state, then the compiler: what is learned and the flows
/// it makes stay within the configured caps, however the misses come.
@Suite struct LearningFuzzTests {
    @Test(arguments: [UInt64(1), 0xFEED, 0xDEAD_BEEF])
    func randomMissesStayWithinTheCaps(seed: UInt64) {
        var rng = SplitMix64(state: seed)
        let (seed0, context) = LearningTests.seeded()
        let base = seed0.compile().flows.count
        let limits = LearnedState.Limits(macsPerSwitch: 50, facts: 40, etherTypesPerMAC: 4, tunnelFacts: 30)
        var learned = LearnedState(limits: limits)
        let vnis: [UInt32] = [33, 44]
        let macs = (0..<400).map { _ in
            // Unicast (the group bit clear), otherwise random.
            let bytes = (0..<6).map { index in UInt8.random(in: 0...255, using: &rng) & (index == 0 ? 0xfe : 0xff) }
            let text = bytes.map { String($0, radix: 16) }.map { $0.count == 1 ? "0" + $0 : $0 }.joined(separator: ":")
            return EthernetAddress(text)!
        }
        let multicast = [EthernetAddress("ff:ff:ff:ff:ff:ff")!, EthernetAddress("01:00:5e:00:00:01")!]
        var decisions = 0
        for round in 0..<20 {
            for _ in 0..<1_000 {
                let port = [UInt32(1), 2, 3, 9].randomElement(using: &rng)!
                let recirc: UInt32 =
                    Bool.random(using: &rng) ? 0 : [0x100_0021, 0x100_002c, 0x100_0099, 0x200_0021, 0x200_002c].randomElement(using: &rng)!
                let source = macs.randomElement(using: &rng)!
                let destination =
                    Int.random(in: 0..<10, using: &rng) == 0 ? multicast.randomElement(using: &rng)! : macs.randomElement(using: &rng)!
                let vlan: UInt16? = Bool.random(using: &rng) ? nil : UInt16.random(in: 1...20, using: &rng)
                let upcall = LearningTests.upcall(
                    inPort: port, recirc: recirc, source: source, destination: destination, vlan: vlan,
                    etherType: UInt16.random(in: 0x0600...0xffff, using: &rng),
                    tunnelID: port == 3
                        ? UInt64([33, 44, 55, UInt64.random(in: 0...0xff_ffff, using: &rng)].randomElement(using: &rng)!) : nil,
                    tunnelSource: [10, 2, 2, [2, 3, UInt8.random(in: 0...255, using: &rng)].randomElement(using: &rng)!],
                    tunnelDestination: [10, 2, 2, Bool.random(using: &rng) ? 1 : UInt8.random(in: 0...255, using: &rng)])
                learned.apply(MissClassifier.classify(upcall, in: context))
                decisions += 1
            }
            for vni in vnis { #expect(learned.budgetUsed(vni: vni) <= limits.macsPerSwitch, "round \(round), VNI \(vni)") }
            #expect(learned.boundedFactCount <= limits.facts)
            #expect(learned.tunnelFactCount <= limits.tunnelFacts)
            #expect(learned.facts.taggedEtherTypes.values.allSatisfy { $0.count <= limits.etherTypesPerMAC })
            let state = seed0.compile(localMACs: learned.localMACs, facts: learned.facts)
            // Per learned entry at most three flows (stage 1, delivery in the
            // switch, delivery from the tunnel), one per fact.
            let bound = base + 3 * limits.macsPerSwitch * vnis.count + limits.facts + limits.tunnelFacts
            #expect(state.flows.count <= bound, "round \(round): \(state.flows.count) flows, bound \(bound)")
            learned.keepOnly(state.liveFacts)
        }
        print("learning fuzz: seed \(seed), \(decisions) misses, \(learned.macCount) MACs and \(learned.facts.count) facts kept")
        #expect(learned.macCount > 0 && !learned.facts.isEmpty, "the random misses must reach both kinds of state")
        #expect(!learned.facts.rejectedTunnels.isEmpty && !learned.facts.unknownDestinations.isEmpty)
    }
}
