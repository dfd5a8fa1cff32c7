import Testing

@testable import OVSDatapathCore
@testable import VTEPCompiler

/// What one source can make vtep-kdp hold: bounded per MAC and per switch.
@Suite struct LearningBoundsTests {
    typealias Seed = LearningTests.Seed

    /// A tagged VM sending 3,000 EtherTypes made 3,000 stage-1 flows. Now
    /// it gets `etherTypesPerMAC`, each past the first counted against the
    /// switch's budget, and the switch reports the cap (`exhausted`).
    @Test func aTaggedSourceGetsAFewEtherTypesNotThousands() {
        let (seed, context) = LearningTests.seeded()
        var learned = LearnedState()
        var refused = 0
        for type in 0..<3_000 {
            let upcall = LearningTests.upcall(
                inPort: 2, source: LearningTests.vm1, destination: LearningTests.other, vlan: 10, etherType: UInt16(0x0600 + type))
            if learned.apply(MissClassifier.classify(upcall, in: context)) == .refused { refused += 1 }
        }
        let cap = learned.limits.etherTypesPerMAC
        #expect(refused == 3_000 - cap)
        #expect(learned.macCount == 1)
        #expect(learned.budgetUsed(vni: 44) == cap, "one MAC and its \(cap - 1) further EtherTypes")
        #expect(learned.exhausted == [44])
        let state = seed.compile(localMACs: learned.localMACs, facts: learned.facts)
        let stageOne = state.flows.values.filter { $0.countsFrom != nil && $0.identity.contains(LearningTests.vm1.description) }
        #expect(stageOne.count == cap, "\(stageOne.map(\.identity))")
    }

    /// The switch's budget is shared: past it, neither a new MAC nor a
    /// further EtherType of a known one is learned; forgetting frees both.
    @Test func etherTypesCountAgainstTheSwitchBudgetAndForgettingFreesIt() {
        let (_, context) = LearningTests.seeded()
        var learned = LearnedState(limits: .init(macsPerSwitch: 3, etherTypesPerMAC: 8))
        func frame(_ mac: String, _ type: UInt16) -> MissDecision {
            MissClassifier.classify(
                LearningTests.upcall(inPort: 2, source: EthernetAddress(mac)!, destination: LearningTests.other, vlan: 10, etherType: type),
                in: context)
        }
        #expect(learned.apply(frame("aa:00:00:00:00:01", 0x0800)) == .added)
        #expect(learned.apply(frame("aa:00:00:00:00:01", 0x0806)) == .added)
        #expect(learned.apply(frame("aa:00:00:00:00:02", 0x0800)) == .added)
        #expect(learned.budgetUsed(vni: 44) == 3)
        #expect(learned.apply(frame("aa:00:00:00:00:03", 0x0800)) == .refused)
        #expect(learned.apply(frame("aa:00:00:00:00:02", 0x86dd)) == .refused)
        #expect(learned.apply(frame("aa:00:00:00:00:01", 0x0806)) == .unchanged, "a type already known is no new entry")
        learned.forget(EthernetAddress("aa:00:00:00:00:01")!, vni: 44)
        #expect(learned.budgetUsed(vni: 44) == 1)
        #expect(learned.exhausted.isEmpty)
        #expect(learned.apply(frame("aa:00:00:00:00:03", 0x0800)) == .added)
        #expect(learned.apply(frame("aa:00:00:00:00:02", 0x86dd)) == .added)
    }

    /// A MAC that moves takes no budget with it from where it was.
    @Test func aMoveReleasesTheOldPlacesEtherTypes() {
        let (_, context) = LearningTests.seeded()
        var learned = LearnedState()
        for type: UInt16 in [0x0800, 0x0806, 0x86dd] {
            learned.apply(
                MissClassifier.classify(
                    LearningTests.upcall(inPort: 2, source: LearningTests.vm1, destination: LearningTests.other, vlan: 10, etherType: type),
                    in: context))
        }
        #expect(learned.budgetUsed(vni: 44) == 3)
        var moved = context
        let ls1 = moved.bindings.first { $0.vni == 44 }!
        moved.bindings.append(
            Binding(
                port: "p0", portNumber: 1, vlan: 10, logicalSwitch: ls1.logicalSwitch, logicalSwitchName: ls1.logicalSwitchName, vni: 44))
        let change = learned.apply(
            MissClassifier.classify(
                LearningTests.upcall(inPort: 1, source: LearningTests.vm1, destination: LearningTests.other, vlan: 10, etherType: 0x0800),
                in: moved))
        guard case .moved = change else {
            Issue.record("expected a move, got \(change)")
            return
        }
        #expect(learned.budgetUsed(vni: 44) == 1)
    }

    /// One port cannot take the whole table: past its own limit a new MAC
    /// behind it, or one moving to it, is refused while other ports learn on.
    @Test func onePortCannotFillTheTableForTheOthers() {
        let (_, context) = LearningTests.seeded()
        var learned = LearnedState(limits: .init(macsPerSwitch: 100, macsPerPort: 3))
        func frame(_ mac: String, port: UInt32, vlan: UInt16?) -> MissDecision {
            MissClassifier.classify(
                LearningTests.upcall(inPort: port, source: EthernetAddress(mac)!, destination: LearningTests.other, vlan: vlan),
                in: context)
        }
        for index in 1...3 { #expect(learned.apply(frame("aa:00:00:00:00:0\(index)", port: 1, vlan: nil)) == .added) }
        #expect(learned.apply(frame("aa:00:00:00:00:04", port: 1, vlan: nil)) == .refused)
        #expect(learned.macCount(port: "p0") == 3)
        #expect(learned.exhausted.isEmpty, "the switch itself is not full")
        #expect(learned.apply(frame("ba:00:00:00:00:01", port: 2, vlan: 10)) == .added, "another port learns on")
        learned.forget(EthernetAddress("aa:00:00:00:00:01")!, vni: 33)
        #expect(learned.apply(frame("aa:00:00:00:00:04", port: 1, vlan: nil)) == .added)
        #expect(learned.macCount(port: "p0") == 3 && learned.macCount(port: "p1") == 1)

        // p1 untagged joins ls0 too; p1 fills up; a MAC of p0 cannot move there.
        var shared = context
        let ls0 = shared.bindings.first { $0.vni == 33 }!
        shared.bindings.append(
            Binding(port: "p1", portNumber: 2, vlan: 0, logicalSwitch: ls0.logicalSwitch, logicalSwitchName: ls0.logicalSwitchName, vni: 33)
        )
        for index in 2...3 {
            let decision = MissClassifier.classify(
                LearningTests.upcall(inPort: 2, source: EthernetAddress("cc:00:00:00:00:0\(index)")!, destination: LearningTests.other),
                in: shared)
            #expect(learned.apply(decision) == .added)
        }
        let move = MissClassifier.classify(
            LearningTests.upcall(inPort: 2, source: EthernetAddress("aa:00:00:00:00:02")!, destination: LearningTests.other), in: shared)
        #expect(learned.apply(move) == .refused)
        #expect(learned.localMAC(EthernetAddress("aa:00:00:00:00:02")!, vni: 33)?.port == "p0", "it stays where it was")
    }
}
