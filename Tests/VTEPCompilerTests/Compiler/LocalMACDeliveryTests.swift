import TestSupport
import Testing

@testable import OVSDatapathCore
@testable import VTEPCompiler

/// A MAC is listed in Ucast_Macs_Local only when the kernel holds the
/// flows that deliver to it (issue 20, point 11): a controller sends the
/// MAC's traffic here as soon as it reads the list.
@Suite struct LocalMACDeliveryTests {
    static let vm2 = LocalMAC(mac: EthernetAddress("aa:00:00:00:00:02")!, port: "p1", vlan: 0)

    static func compile() -> DesiredDatapathState {
        var seed = SeedScenario()
        var p1 = seed.db.physicalPorts[seed.p1]!
        p1.vlanBindings = [0: seed.ls0]
        seed.db.physicalPorts.set(seed.p1, p1)
        return VTEPCompiler.compile(
            CompilerInput(
                database: seed.db, switchName: "br0", portNumbers: ["p0": 1, "p1": 2], tunnelPort: 3,
                localMACs: [SeedScenario.vm1, vm2]))
    }

    @Test func theDeliveryUFIDsAreTheCompilersFlows() {
        let state = Self.compile()
        for local in [SeedScenario.vm1, Self.vm2] {
            let binding = state.bindings.first { $0.port == local.port && $0.vlan == local.vlan }!
            let ufids = local.deliveryUFIDs(behind: binding, tunnelPort: 3)
            #expect(ufids.count == 2 && ufids.allSatisfy { state.flows[$0] != nil }, "\(local)")
        }
    }

    @Test func aMACWhoseDeliveryFlowFailedIsNotListedUntilItIsIn() {
        let state = Self.compile()
        let locals = [SeedScenario.vm1, Self.vm2]
        let deliver = { (local: LocalMAC) in
            local.deliveryUFIDs(behind: state.bindings.first { $0.port == local.port }!, tunnelPort: 3)
        }
        // Nothing failed: both.
        #expect(LocalMAC.deliverable(locals, bindings: state.bindings, tunnelPort: 3, failed: []) == locals)
        // VM2's tunnel delivery failed: VM1 only. Its stage-2 flow: the same.
        for ufid in deliver(Self.vm2) {
            #expect(LocalMAC.deliverable(locals, bindings: state.bindings, tunnelPort: 3, failed: [ufid]) == [SeedScenario.vm1])
        }
        // A flow of nobody's delivery failed (the remote MAC's): both.
        let remote = FlowUFID(deriving: FlowIdentity.forward(vni: 33, destination: EthernetAddress("00:11:22:33:44:55")!))
        #expect(state.flows[remote] != nil)
        #expect(LocalMAC.deliverable(locals, bindings: state.bindings, tunnelPort: 3, failed: [remote]) == locals)
        // VM1's stage-1 flow failed: it is still listed (frames to it are delivered).
        let stageOne = FlowUFID(deriving: FlowIdentity.ingress(port: 1, source: SeedScenario.vm1.mac))
        #expect(LocalMAC.deliverable(locals, bindings: state.bindings, tunnelPort: 3, failed: [stageOne]) == locals)
    }
}
