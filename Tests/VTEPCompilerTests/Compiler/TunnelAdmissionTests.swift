import TestSupport
import Testing

@testable import OVSDB
@testable import OVSDatapathCore
@testable import VTEPCompiler
@testable import VTEPModel

/// Tunnel admission (issue 20, point 3): VXLAN of a VNI is let in only from
/// the locators the database names for that VNI — its service nodes and
/// other Mcast_Macs_Remote members, its remote MACs' locators — and only to
/// our tunnel IP. Everything else misses, and the miss becomes a drop flow.
@Suite struct TunnelAdmissionTests {
    typealias Seed = SeedScenario
    static let local: [UInt8] = [10, 2, 2, 1]

    /// The VNI → sources the compiled admission flows let in, read back from the flows themselves.
    static func admitted(_ state: DesiredDatapathState) -> [UInt32: Set<[UInt8]>] {
        var admitted: [UInt32: Set<[UInt8]>] = [:]
        for compiled in state.flows.values {
            let fields = FlowKeyFields(key: compiled.flow.key, mask: compiled.flow.mask)
            guard fields.recirculationID == 0, fields.inPort == 3, fields.tunnelSourceMatched, let id = fields.tunnelID,
                let source = fields.tunnelSource, case .recirculate(let next)? = compiled.flow.actions.first
            else { continue }
            #expect(fields.tunnelDestination == Self.local, "admitted only to our tunnel IP")
            #expect(RecirculationID(rawValue: next).tunnelVNI == UInt32(id))
            admitted[UInt32(id), default: []].insert(source)
        }
        return admitted
    }

    @Test func eachVNIAdmitsExactlyTheLocatorsTheDatabaseNamesForIt() {
        var seed = Seed()
        let ls1 = seed.bind(seed.p1, vlan: 0, newSwitch: "ls1", vni: 44)
        seed.addMcastRemote(["10.2.2.4", "10.2.2.5"])  // ls0: more service nodes
        seed.addUcastRemote("00:44:00:00:00:01", "10.2.2.6", in: ls1)  // ls1: one remote MAC
        seed.addUcastRemote("00:44:00:00:00:02", "10.2.2.6", in: ls1)  // the same locator twice: one admission
        // A multicast group's locators are senders too, though only unknown-dst floods.
        var set = VTEPPhysicalLocatorSet()
        set.locators = [seed.locator("10.2.2.7")]
        let setID = seed.uuid()
        seed.db.locatorSets.set(setID, set)
        var group = VTEPMcastMac<VTEPRemote>()
        group.mac = "01:00:5e:00:00:01"
        group.logicalSwitch = ls1
        group.locatorSet = setID
        seed.db.mcastMacsRemote.set(seed.uuid(), group)

        let state = seed.compile()
        let expected: [UInt32: Set<[UInt8]>] = [
            33: [[10, 2, 2, 2], [10, 2, 2, 3], [10, 2, 2, 4], [10, 2, 2, 5]], 44: [[10, 2, 2, 6], [10, 2, 2, 7]],
        ]
        #expect(Self.admitted(state) == expected)
        #expect(state.tunnelSources == expected && state.tunnelIP == Self.local)
        // What comes in lands in the switch's tunnel stage, never straight at a port.
        #expect(
            !state.flows.values.contains {
                let fields = FlowKeyFields(key: $0.flow.key, mask: $0.flow.mask)
                return fields.recirculationID == 0 && fields.inPort == 3 && $0.flow.actions.contains { $0 == .output(port: 1) }
            })
    }

    @Test func aRejectedSenderIsDroppedUntilTheDatabaseNamesIt() {
        var seed = Seed()
        let rogue = RejectedTunnel(vni: 33, source: [10, 9, 9, 9], destination: Self.local)
        let elsewhere = RejectedTunnel(vni: 33, source: [10, 2, 2, 3], destination: [10, 2, 2, 77])
        let foreign = RejectedTunnel(vni: 99, source: [10, 9, 9, 9], destination: Self.local)
        var facts = MissFacts()
        facts.rejectedTunnels = [rogue, elsewhere, foreign]
        let identity = { (rejected: RejectedTunnel) in
            FlowUFID(
                deriving: FlowIdentity.tunnelAdmission(
                    vni: rejected.vni, tunnelPort: 3, source: rejected.source, destination: rejected.destination))
        }

        var state = seed.compile(facts: facts)
        // Dropped in the kernel: the rogue sender, and a locator of ours sending to an address not ours.
        #expect(state.flows[identity(rogue)]?.flow.actions == [])
        #expect(state.flows[identity(elsewhere)]?.flow.actions == [])
        // A VNI nobody here carries is the unknown-VNI drop's business, not a sender's.
        #expect(state.flows[identity(foreign)] == nil)
        #expect(state.liveFacts.rejectedTunnels == [rogue, elsewhere])

        // The rogue becomes a service node: the same flow (same UFID) now admits it.
        seed.addMcastRemote(["10.9.9.9"])
        state = seed.compile(facts: facts)
        #expect(state.flows[identity(rogue)]?.flow.actions == [.recirculate(id: 0x200_0021)])
        #expect(state.liveFacts.rejectedTunnels == [elsewhere], "a sender that became a locator is forgotten")
    }

    @Test func aRejectedDropIsReadBackAfterARestart() {
        let seed = Seed()
        var facts = MissFacts()
        facts.rejectedTunnels = [RejectedTunnel(vni: 33, source: [10, 9, 9, 9], destination: Self.local)]
        facts.unknownVNIs = [99]
        let state = seed.compile(facts: facts)
        var recovered = LearnedState()
        recovered.recover(from: state.flows.values.map(\.flow), tunnelPort: 3, portNames: [1: "p0", 2: "p1"])
        // The admissions themselves come from the database, not from what was learned.
        #expect(recovered.facts == facts)
    }
}
