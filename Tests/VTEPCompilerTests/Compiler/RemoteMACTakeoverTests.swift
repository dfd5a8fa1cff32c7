import TestSupport
import Testing

@testable import OVSDB
@testable import OVSDatapathCore
@testable import VTEPCompiler
@testable import VTEPModel

/// A local frame whose source is a *remote* MAC of the same switch (issue
/// 20, point 4) must not take that MAC over silently: by default the
/// controller's Ucast_Macs_Remote row stands — the frames still go into the
/// switch, nothing is delivered to the local port, it is not listed as
/// local, and the problem is said. `--allow-remote-mac-takeover` opts in to
/// the local MAC winning.
@Suite struct RemoteMACTakeoverTests {
    static let vm3 = EthernetAddress("00:11:22:33:44:55")!  // the seed's remote MAC, behind 10.2.2.3
    static let spoofer = LocalMAC(mac: vm3, port: "p0", vlan: 0)

    static func compile(allowing: Bool) -> DesiredDatapathState {
        let seed = SeedScenario()
        return VTEPCompiler.compile(
            CompilerInput(
                database: seed.db, switchName: "br0", portNumbers: ["p0": 1, "p1": 2], tunnelPort: 3,
                localMACs: [SeedScenario.vm1, spoofer], allowsRemoteMACTakeover: allowing))
    }

    static func flow(_ state: DesiredDatapathState, _ identity: String) -> CompiledFlow? { state.flows[FlowUFID(deriving: identity)] }

    @Test func byDefaultTheControllersRemoteMACStands() {
        let state = Self.compile(allowing: false)
        // Still to the tunnel, to its locator.
        let forward = Self.flow(state, FlowIdentity.forward(vni: 33, destination: Self.vm3))
        #expect(forward?.flow.actions.last == .output(port: 3), "\(String(describing: forward))")
        // Its frames from p0 still go into the switch (stage 1), but nothing is delivered to p0.
        #expect(Self.flow(state, FlowIdentity.ingress(port: 1, source: Self.vm3))?.flow.actions == [.recirculate(id: 0x100_0021)])
        #expect(Self.flow(state, FlowIdentity.tunnelDeliver(vni: 33, tunnelPort: 3, destination: Self.vm3)) == nil)
        // Reported, and kept out of Ucast_Macs_Local.
        #expect(state.remoteMACsSeenLocally == [Self.spoofer])
        #expect(state.problems.contains { $0.contains("remote MAC \(Self.vm3)") && $0.contains("kept remote") }, "\(state.problems)")
        // The other local MAC is untouched.
        #expect(Self.flow(state, FlowIdentity.forward(vni: 33, destination: SeedScenario.vm1.mac))?.flow.actions == [.output(port: 1)])
        // The same from the incremental compiler, which merges remote rows with the frame.
        var incremental = IncrementalCompiler()
        let seed = SeedScenario()
        incremental.compile(
            CompilerInput(
                database: seed.db, switchName: "br0", portNumbers: ["p0": 1, "p1": 2], tunnelPort: 3,
                localMACs: [SeedScenario.vm1, Self.spoofer]), changedRemoteRows: nil)
        #expect(incremental.state.flows == state.flows)
    }

    @Test func whenAllowedTheLocalSourceTakesTheMACOver() {
        let state = Self.compile(allowing: true)
        #expect(Self.flow(state, FlowIdentity.forward(vni: 33, destination: Self.vm3))?.flow.actions == [.output(port: 1)])
        #expect(
            Self.flow(state, FlowIdentity.tunnelDeliver(vni: 33, tunnelPort: 3, destination: Self.vm3))?.flow.actions == [.output(port: 1)])
        #expect(state.remoteMACsSeenLocally.isEmpty)
        #expect(state.problems.contains { $0.contains("taken over") })
    }
}
