import Foundation
import TestSupport
import Testing

@testable import VTEPOffload

/// Restarts under traffic: `kill -9` of vtep-kdp loses nothing, and the
/// next vtep-kdp changes exactly what changed while it was away.
extension KernelVTEPSuites {
    @Suite struct KernelRestartTests {
        @Test func killDashNineDuringAFastPingLosesNothingAndTheRestartChangesOnlyWhatChanged() throws {
            // VM3 (00:11:22:33:44:55) behind a Linux VTEP at .3, which is also the service node.
            let rig = try EndToEndRig.seededWithLinuxVTEP(prefix: "ec", vxlanPort: 4795, subnet: 22)
            try rig.db.vtepctl("add-ucast-remote", "ls0", "00:11:22:33:44:77", "10.22.0.4")
            try rig.startDaemon()
            #expect(try rig.exec("vm1", "ping -c 2 -i 0.2 -w 20 192.168.100.55").contains("2 received"))
            let flows = try rig.kernelFlowCount()

            // A second vtep-kdp on the same datapath is refused, names the
            // first, and changes nothing (two used to run side by side).
            let second = try ChildProcess.run(
                EndToEndRig.binary,
                ["--db", "unix:\(rig.db.socketPath)", "--datapath", rig.datapath, "--vxlan-port", String(rig.vxlanPort), "br0"])
            let first = try #require(rig.daemon?.pid)
            #expect(second.status == 1)
            #expect(second.errors.contains("datapath \(rig.datapath) is already served by vtep-kdp pid \(first)"), "\(second.errors)")
            #expect(try rig.kernelFlowCount() == flows)

            // 500 pings 10 ms apart; vtep-kdp is killed a second in and is back a second later.
            let summary = try rig.pingSummary(from: "vm1", to: "192.168.100.55", count: 500) {
                rig.stopDaemon(signal: SIGKILL)
                Thread.sleep(forTimeInterval: 1)
                try rig.startDaemon()
                #expect(rig.lastPass()?.hasPrefix("0 added, 0 modified, 0 deleted") == true, "restart: \(rig.lastPass() ?? "no pass")")
            }
            #expect(summary.contains("500 packets transmitted, 500 received"), "\(summary)")
            #expect(try rig.kernelFlowCount() == flows)
            #expect(rig.log().contains { $0.contains("kept 1 local MACs") })

            // Changed while it is down: one remote MAC added, one removed.
            rig.stopDaemon(signal: SIGKILL)
            try rig.db.vtepctl("add-ucast-remote", "ls0", "00:11:22:33:44:88", "10.22.0.4")
            try rig.db.vtepctl("del-ucast-remote", "ls0", "00:11:22:33:44:77")
            try rig.startDaemon()
            #expect(
                rig.lastPass()?.hasPrefix("1 added, 0 modified, 1 deleted") == true, "restart after changes: \(rig.lastPass() ?? "no pass")"
            )
            #expect(try rig.dumpFlows().contains("eth(dst=00:11:22:33:44:88)"))
            #expect(try !rig.dumpFlows().contains("eth(dst=00:11:22:33:44:77)"))
            #expect(try rig.exec("vm1", "ping -c 2 -i 0.2 -w 20 192.168.100.55").contains("2 received"))
        }

        /// The datapath deleted under a running vtep-kdp (`ovs-dpctl del-dp`)
        /// left it running and forwarding nothing. Now housekeeping notices,
        /// the pass makes the datapath again and reinstalls every flow, and
        /// the ping comes back without a restart. A port removed
        /// (`ovs-dpctl del-if`) leaves the switch (see `PortInventory`).
        @Test func aDatapathOrPortDeletedUnderTheDaemonIsBuiltAgain() throws {
            let rig = try EndToEndRig.seededWithLinuxVTEP(prefix: "eg", vxlanPort: 4793, subnet: 25)
            try rig.startDaemon(extra: ["--mac-aging-time", "8"])  // housekeeping every 2 s
            #expect(try rig.exec("vm1", "ping -c 2 -i 0.2 -w 20 192.168.100.55").contains("2 received"))
            let flows = try rig.kernelFlowCount()

            try rig.sh("ovs-dpctl del-dp \(rig.datapath)")
            let deleted = ContinuousClock.now
            try rig.waitFor("the datapath and its flows to be back", timeout: 120) {
                (try? rig.kernelFlowCount()) ?? 0 >= flows
            }
            print("datapath deleted: back with \(try rig.kernelFlowCount()) flows after \(ContinuousClock.now - deleted) (emulated VM)")
            #expect(rig.log().contains { $0.contains("datapath \(rig.datapath) is gone") })
            #expect(try rig.exec("vm1", "ping -c 3 -i 0.2 -w 30 192.168.100.55").contains("3 received"))

            // A port removed leaves the switch, as a port leaving ovs-vtep's
            // bridge does: its row goes, and its bindings with it. Added
            // again and bound again, it forwards again.
            let p0 = rig.port("p0")
            try rig.sh("ovs-dpctl del-if \(rig.datapath) \(p0)")
            try rig.waitFor("p0's row to go", timeout: 30) { try !rig.db.vtepctl("list-ports", "br0").contains(p0) }
            try rig.sh("\(EndToEndRig.binary) add-port \(rig.datapath) \(p0)")
            try rig.waitFor("p0's row to be back", timeout: 30) { try rig.db.vtepctl("list-ports", "br0").contains(p0) }
            try rig.db.vtepctl("bind-ls", "br0", p0, "0", "ls0")
            #expect(try rig.exec("vm1", "ping -c 3 -i 0.2 -w 30 192.168.100.55").contains("3 received"))
        }
    }
}
