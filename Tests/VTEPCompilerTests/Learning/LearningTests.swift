import Testing

@testable import OVSDatapathCore
@testable import VTEPCompiler

/// Misses → decisions → learned state → flows, and back from the kernel's
/// flows after a restart. Pure: no kernel.
@Suite struct LearningTests {
    typealias Seed = VTEPCompilerTests.Seed
    static let vm1 = EthernetAddress("aa:00:00:00:00:01")!
    static let other = EthernetAddress("0e:00:00:00:00:99")!

    /// The seed plus ls1 (VNI 44) on p1 VLAN 10, compiled; its miss context.
    static func seeded() -> (Seed, MissContext) {
        var seed = Seed()
        seed.bind(seed.p1, vlan: 10, newSwitch: "ls1", vni: 44)
        let state = seed.compile()
        return (
            seed,
            MissContext(
                bindings: state.bindings, tunnelPort: 3, portNames: [1: "p0", 2: "p1"], tunnelIP: state.tunnelIP,
                tunnelSources: state.tunnelSources)
        )
    }

    /// An upcall key as the kernel builds it.
    static func upcall(
        inPort: UInt32, recirc: UInt32 = 0, source: EthernetAddress, destination: EthernetAddress,
        vlan: UInt16? = nil, etherType: UInt16 = 0x0800, tunnelID: UInt64? = nil,
        tunnelSource: [UInt8] = [10, 2, 2, 3], tunnelDestination: [UInt8] = [10, 2, 2, 1]
    ) -> Upcall {
        var key = [
            FlowKeyAttribute(type: OVSKey.recircID, bytes: FlowBuilder.u32(recirc)),
            FlowKeyAttribute(type: OVSKey.inPort, bytes: FlowBuilder.u32(inPort)),
            FlowKeyAttribute(type: OVSKey.ethernet, bytes: source.bytes + destination.bytes),
        ]
        if let vlan {
            key.append(FlowKeyAttribute(type: OVSKey.ethertype, bytes: FlowBuilder.be16(0x8100)))
            key.append(FlowKeyAttribute(type: OVSKey.vlan, bytes: FlowBuilder.be16(0x1000 | vlan)))
            key.append(
                FlowKeyAttribute(type: OVSKey.encap, nested: [FlowKeyAttribute(type: OVSKey.ethertype, bytes: FlowBuilder.be16(etherType))])
            )
        } else {
            key.append(FlowKeyAttribute(type: OVSKey.ethertype, bytes: FlowBuilder.be16(etherType)))
        }
        if let tunnelID {
            key.append(
                FlowKeyAttribute(
                    type: OVSKey.tunnel,
                    nested: [
                        FlowKeyAttribute(type: OVSTunnelKey.id, bytes: FlowBuilder.be64(tunnelID)),
                        FlowKeyAttribute(type: OVSTunnelKey.ipv4Source, bytes: tunnelSource),
                        FlowKeyAttribute(type: OVSTunnelKey.ipv4Destination, bytes: tunnelDestination),
                    ]))
        }
        return Upcall(reason: .miss, datapathIfindex: 1, key: key, packet: [0])
    }

    /// The daemon sends a new source's first frame on before the pass that
    /// installs its stage-1 flow, with that flow's actions as it predicts
    /// them: the prediction must be exactly what the compiler then makes.
    @Test func theFirstFrameOfANewSourceGoesOnWithTheFlowThePassThenInstalls() {
        let (seed, context) = Self.seeded()
        for upcall in [
            Self.upcall(inPort: 1, source: Self.vm1, destination: Self.other),
            Self.upcall(inPort: 2, source: Self.vm1, destination: Self.other, vlan: 10, etherType: 0x0806),
        ] {
            let decision = MissClassifier.classify(upcall, in: context)
            var learned = LearnedState()
            _ = learned.apply(decision)
            let state = seed.compile(localMACs: learned.localMACs, facts: learned.facts)
            let predicted = decision.stageOneFlow(in: context)
            #expect(predicted != nil && state.flows.values.contains(predicted!), "\(decision)")
        }
        #expect(MissDecision.unknownVNI(99).stageOneFlow(in: context) == nil)
    }

    @Test func missesAreClassifiedByWhereTheyHappened() {
        let (_, context) = Self.seeded()
        let classify = { (upcall: Upcall) -> MissDecision in MissClassifier.classify(upcall, in: context) }
        // Stage 1 on a bound port: learn.
        #expect(
            classify(Self.upcall(inPort: 1, source: Self.vm1, destination: Self.other))
                == .learn(LocalMAC(mac: Self.vm1, port: "p0", vlan: 0), vni: 33, etherType: nil))
        // Tagged on a bound VLAN: learn with the inner EtherType.
        #expect(
            classify(Self.upcall(inPort: 2, source: Self.vm1, destination: Self.other, vlan: 10, etherType: 0x0806))
                == .learn(LocalMAC(mac: Self.vm1, port: "p1", vlan: 10), vni: 44, etherType: 0x0806))
        // Tagged on an unbound VLAN: drop that VLAN and type.
        #expect(
            classify(Self.upcall(inPort: 2, source: Self.vm1, destination: Self.other, vlan: 20))
                == .unboundTagged(UnboundTagged(port: "p1", vlan: 20, etherType: 0x0800)))
        // Untagged on a port whose drop flow exists already: nothing to learn.
        guard case .ignore = classify(Self.upcall(inPort: 2, source: Self.vm1, destination: Self.other)) else {
            Issue.record("untagged on p1"); return
        }
        // Stage 2 in ls0: an unknown destination from p0.
        #expect(
            classify(Self.upcall(inPort: 1, recirc: 0x1000021, source: Self.vm1, destination: Self.other))
                == .unknownDestination(UnknownDestination(vni: 33, port: "p0", mac: Self.other)))
        // From the tunnel, admitted (a locator of VNI 33, to our IP): an unknown destination.
        #expect(
            classify(Self.upcall(inPort: 3, recirc: 0x200_0021, source: Self.other, destination: Self.vm1, tunnelID: 33))
                == .unknownDestination(UnknownDestination(vni: 33, port: nil, mac: Self.vm1)))
        // Admission missed for an admitted sender: its flow is on its way, nothing to remember.
        guard case .ignore = classify(Self.upcall(inPort: 3, source: Self.other, destination: Self.vm1, tunnelID: 33)) else {
            Issue.record("admitted sender at admission"); return
        }
        // A VNI we do not carry; a sender that is no locator of the VNI (10.2.2.3 is one of
        // VNI 33's, not of 44's), or a destination that is not our tunnel IP: dropped.
        #expect(classify(Self.upcall(inPort: 3, source: Self.other, destination: Self.vm1, tunnelID: 99)) == .unknownVNI(99))
        for (vni, source, destination): (UInt32, [UInt8], [UInt8]) in [
            (33, [10, 9, 9, 9], [10, 2, 2, 1]), (44, [10, 2, 2, 3], [10, 2, 2, 1]), (33, [10, 2, 2, 3], [10, 2, 2, 7]),
        ] {
            let upcall = Self.upcall(
                inPort: 3, source: Self.other, destination: Self.vm1, tunnelID: UInt64(vni), tunnelSource: source,
                tunnelDestination: destination)
            #expect(classify(upcall) == .rejectedTunnel(RejectedTunnel(vni: vni, source: source, destination: destination)))
        }
        // A multicast source is never learned.
        guard case .ignore = classify(Self.upcall(inPort: 1, source: EthernetAddress("01:00:5e:00:00:01")!, destination: Self.other)) else {
            Issue.record("multicast source"); return
        }
    }

    @Test func aMACSeenElsewhereMovesAndLimitsAreKept() {
        var learned = LearnedState(limits: .init(macsPerSwitch: 2, facts: 1, tunnelFacts: 1))
        let onP0 = LocalMAC(mac: Self.vm1, port: "p0", vlan: 0), onP1 = LocalMAC(mac: Self.vm1, port: "p1", vlan: 10)
        let r1 = learned.apply(.learn(onP0, vni: 33, etherType: nil))
        #expect(r1 == .added)
        let r2 = learned.apply(.learn(onP0, vni: 33, etherType: nil))
        #expect(r2 == .unchanged)
        let r3 = learned.apply(.learn(onP1, vni: 33, etherType: 0x0800))
        #expect(r3 == .moved(from: onP0))
        #expect(learned.localMACs == [onP1])
        #expect(learned.facts.taggedEtherTypes == [onP1: [0x0800]])
        let r4 = learned.apply(.learn(onP1, vni: 33, etherType: 0x0806))
        #expect(r4 == .added)
        // Moving back drops the tagged types of the old place.
        let r5 = learned.apply(.learn(onP0, vni: 33, etherType: nil))
        #expect(r5 == .moved(from: onP1))
        #expect(learned.facts.taggedEtherTypes.isEmpty)
        // The same MAC in another switch is another entry; a third in VNI 33 hits the limit.
        let r6 = learned.apply(.learn(onP1, vni: 44, etherType: 0x0800))
        #expect(r6 == .added)
        let r7 = learned.apply(.learn(LocalMAC(mac: Self.other, port: "p0", vlan: 0), vni: 33, etherType: nil))
        #expect(r7 == .added)
        let r8 = learned.apply(.learn(LocalMAC(mac: EthernetAddress("0e:00:00:00:00:01")!, port: "p0", vlan: 0), vni: 33, etherType: nil))
        #expect(r8 == .refused)
        #expect(learned.exhausted == [33])
        learned.forget(Self.other, vni: 33)
        #expect(learned.exhausted.isEmpty && learned.macCount == 2)
        // Facts are bounded too.
        let r9 = learned.apply(.unknownVNI(7))
        #expect(r9 == .added)
        let r10 = learned.apply(.rejectedTunnel(RejectedTunnel(vni: 33, source: [10, 9, 9, 9], destination: [10, 2, 2, 1])))
        #expect(r10 == .refused)
        // Apart from what the underlay's senders made us remember: a full tunnel
        // budget leaves room for local facts, and the other way round.
        let r11 = learned.apply(.unknownDestination(UnknownDestination(vni: 33, port: "p0", mac: Self.other)))
        #expect(r11 == .added)
        let r12 = learned.apply(.unboundTagged(UnboundTagged(port: "p1", vlan: 30, etherType: 0x0800)))
        #expect(r12 == .refused)
    }

    @Test func whatWasLearnedIsReadBackFromTheFlowsAfterARestart() {
        let (seed, context) = Self.seeded()
        var learned = LearnedState()
        let upcalls = [
            Self.upcall(inPort: 1, source: Self.vm1, destination: Self.other),
            Self.upcall(inPort: 2, source: EthernetAddress("aa:00:00:00:10:02")!, destination: Self.other, vlan: 10, etherType: 0x0806),
            Self.upcall(inPort: 2, source: EthernetAddress("aa:00:00:00:10:02")!, destination: Self.other, vlan: 10, etherType: 0x86dd),
            Self.upcall(inPort: 2, source: Self.vm1, destination: Self.other, vlan: 30, etherType: 0x0800),
            Self.upcall(inPort: 1, recirc: 0x1000021, source: Self.vm1, destination: Self.other),
            Self.upcall(inPort: 3, recirc: 0x200_0021, source: Self.vm1, destination: Self.other, tunnelID: 33),
            Self.upcall(inPort: 3, source: Self.vm1, destination: Self.other, tunnelID: 77),
            Self.upcall(inPort: 3, source: Self.vm1, destination: Self.other, tunnelID: 33, tunnelSource: [10, 9, 9, 9]),
        ]
        for upcall in upcalls { learned.apply(MissClassifier.classify(upcall, in: context)) }
        #expect(learned.macCount == 2 && learned.facts.count == 2 + 2 + 1 + 1 + 1)
        let state = seed.compile(localMACs: learned.localMACs, facts: learned.facts)
        #expect(state.liveFacts.unknownDestinations == learned.facts.unknownDestinations)

        // A new process sees only the kernel's flows.
        var recovered = LearnedState()
        recovered.recover(from: state.flows.values.map(\.flow), tunnelPort: 3, portNames: context.portNames)
        recovered.forgetClaimedUnknowns()
        #expect(Set(recovered.localMACs) == Set(learned.localMACs))
        #expect(recovered.facts == learned.facts)
        let again = seed.compile(localMACs: recovered.localMACs, facts: recovered.facts)
        #expect(Set(again.flows.keys) == Set(state.flows.keys))
    }
}
