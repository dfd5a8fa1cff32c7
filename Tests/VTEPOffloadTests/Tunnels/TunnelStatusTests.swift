import BFD
import Testing

@testable import OVSDB
@testable import VTEPModel
@testable import VTEPOffload

/// What the Tunnel rows say of a session (issue 22, point 1), and which
/// Tunnel changes make the daemon run a pass.
@Suite struct TunnelStatusTests {
    @Test func bfdStatusSaysTheSessionInOVSWords() {
        var session = BFDSession(localDiscriminator: 7, now: 0)
        var status = TunnelStatus(session, problems: [])
        #expect(
            status.columns == [
                "enabled": "true", "state": "down", "forwarding": "false", "diagnostic": "No Diagnostic", "remote_state": "down",
                "remote_diagnostic": "No Diagnostic", "flap_count": "0",
            ])
        var hello = BFDControlPacket()
        hello.state = .initializing
        hello.myDiscriminator = 9
        hello.yourDiscriminator = 7
        _ = session.receive(hello, now: 10)
        status = TunnelStatus(session, problems: ["min_rx=x: not a number of milliseconds"])
        #expect(status.columns["state"] == "up" && status.columns["forwarding"] == "true" && status.columns["remote_state"] == "init")
        #expect(status.columns["info"] == "bfd_params not understood: min_rx=x: not a number of milliseconds")
    }

    @Test func onlyTheControllersBFDSettingsOfATunnelCostAPass() {
        var old = VTEPTunnel()
        old.bfdParams = ["enable": "true"]
        var statusOnly = old
        statusOnly.bfdStatus = ["state": "up"]
        #expect(!VTEPChange.tunnel(.modify(OVSDBUUID(1), old: old, new: statusOnly)).affectsForwarding)
        var faster = old
        faster.bfdParams["min_tx"] = "300"
        #expect(VTEPChange.tunnel(.modify(OVSDBUUID(1), old: old, new: faster)).affectsForwarding)
        var readdressed = old
        readdressed.bfdConfigRemote = ["bfd_dst_ip": "169.254.1.9"]
        #expect(VTEPChange.tunnel(.modify(OVSDBUUID(1), old: old, new: readdressed)).affectsForwarding)
        #expect(VTEPChange.tunnel(.delete(OVSDBUUID(1), old)).affectsForwarding)
        #expect(!VTEPChange.tunnel(.insert(OVSDBUUID(1), VTEPTunnel())).affectsForwarding)
    }
}
