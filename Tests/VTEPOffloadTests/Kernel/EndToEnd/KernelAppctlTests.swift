import Foundation
import TestSupport
import Testing

@testable import VTEPOffload

/// OVS's own `ovs-appctl -t vtep-kdp` against the running daemon (issue
/// 21, point 2): it finds the control socket the OVS way (the pidfile in
/// OVS_RUNDIR) and every command answers.
extension KernelVTEPSuites {
    @Suite struct KernelAppctlTests {
        @Test func ovsAppctlAsksTheRunningDaemon() throws {
            let rig = try EndToEndRig.seededWithLinuxVTEP(prefix: "eq", vxlanPort: 4805, subnet: 34)
            let rundir = try #require(ProcessInfo.processInfo.environment["OVS_RUNDIR"], "kernel-suite.sh sets OVS_RUNDIR")
            // Housekeeping every second: a debug line a second to watch vlog/set by.
            try rig.startDaemon(extra: ["--pidfile", "\(rundir)/vtep-kdp.pid", "--mac-aging-time", "4"])
            func appctl(_ arguments: String...) throws -> (status: Int32, output: String, errors: String) {
                try ChildProcess.run("/usr/bin/ovs-appctl", ["-t", "vtep-kdp"] + arguments)
            }
            func debugLines() -> Int { rig.log().filter { $0.contains(" debug ") }.count }

            #expect(try appctl("version").output == "vtep-kdp (vtep-kdp) 0.2.0\n")
            let commands = try appctl("list-commands").output
            for name in [
                "exit", "vlog/list", "vlog/set", "vlog/reopen", "memory/show", "vtep/status", "vtep/dump-flows", "vtep/show-macs",
                "vtep/resync", "vtep/flush-learned",
            ] {
                #expect(commands.contains("  \(name)"), "\(name) missing from \(commands)")
            }
            #expect(try rig.exec("vm1", "ping -c 2 -i 0.2 -w 20 192.168.100.55").contains("2 received"))
            let status = try appctl("vtep/status").output
            #expect(status.contains("eqp0 vlan 0 → ls0 (VNI 33)") && status.contains("learned MACs: 1"), "\(status)")
            let macs = try appctl("vtep/show-macs").output
            #expect(macs.contains("33 aa:00:00:00:00:01 eqp0") && macs.contains("33 00:11:22:33:44:55 10.34.0.3"), "\(macs)")
            #expect(try appctl("vtep/dump-flows").output.contains("eth(dst=00:11:22:33:44:55)"))
            #expect(try appctl("memory/show").output.contains("learned-macs:1"))
            // `vtep-kdp status` asks the running daemon when there is one.
            let asked = try ChildProcess.run(EndToEndRig.binary, ["status", "--db", "unix:\(rig.db.socketPath)", "br0"])
            #expect(asked.output.hasPrefix("asked the running vtep-kdp (") && asked.output.contains("learned MACs: 1"), "\(asked)")
            #expect(try appctl("vtep/resync").output.hasPrefix("resynced: 0 added, 0 modified, 0 deleted"))
            #expect(try appctl("vtep/flush-learned", "ls0").output == "forgot 1 learned MACs\n")
            #expect(try appctl("vtep/flush-learned", "nope").status == 2)
            #expect(try appctl("no/such/command").status == 2)

            // vlog/set changes what is logged, vlog/list says so.
            #expect(try appctl("vlog/list").output.contains("DBG"))
            #expect(try appctl("vlog/set", "info").status == 0)
            #expect(try appctl("vlog/list").output.contains("INFO"))
            let quiet = debugLines()
            Thread.sleep(forTimeInterval: 3)
            #expect(debugLines() == quiet, "no debug line at info")
            #expect(try appctl("vlog/set", "ANY:file:dbg").status == 0)
            try rig.waitFor("debug lines again", timeout: 10) { debugLines() > quiet }

            // vlog/reopen after logrotate moved the file: a new file is written.
            try rig.sh("mv \(rig.logPath) \(rig.logPath).1")
            #expect(try appctl("vlog/reopen").status == 0)
            try rig.waitFor("the new log file", timeout: 10) { rig.log().contains { $0.contains("reopened the log file") } }

            // exit: the daemon goes, its flows stay and forward (VM1, flushed above, learned again first).
            #expect(try rig.exec("vm1", "ping -c 2 -i 0.2 -w 20 192.168.100.55").contains("2 received"))
            #expect(try appctl("exit").status == 0)
            try rig.waitFor("the daemon to stop", timeout: 10) { rig.log().contains { $0.contains("ovs-appctl exit: stopping") } }
            #expect(try rig.exec("vm1", "ping -c 2 -i 0.2 -w 20 192.168.100.55").contains("2 received"))
        }
    }
}
