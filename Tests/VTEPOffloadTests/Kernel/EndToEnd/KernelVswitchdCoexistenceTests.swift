import Foundation
import TestSupport
import Testing

@testable import VTEPOffload

/// An ovs-vswitchd on the same host, as on an OVN hypervisor beside the
/// gateway (issue 26, point 6). Before, vtep-kdp refused to start while
/// any ovs-vswitchd ran. Now one serving another network namespace is no
/// conflict, and one in vtep-kdp's namespace is refused only for the
/// `ovs-system` datapath it serves.
extension KernelVTEPSuites {
    @Suite struct KernelVswitchdCoexistenceTests {
        @Test func anOVSVswitchdOfAnotherNamespaceIsNoConflictOneOfOursIs() throws {
            let rig = try EndToEndRig.seededWithLinuxVTEP(prefix: "el", vxlanPort: 4802, subnet: 30)
            // A chassis: its own ovsdb-server and ovs-vswitchd in namespace el-hv, with a bridge,
            // so that namespace's ovs-system datapath exists and is served.
            let hv = rig.ns("hv"), dir = rig.db.directory + "/hv"
            try rig.addNamespace(hv)
            try rig.sh(
                """
                mkdir -p \(dir) && ovsdb-tool create \(dir)/conf.db /usr/share/openvswitch/vswitch.ovsschema && \
                timeout 60 ovsdb-server \(dir)/conf.db --remote=punix:\(dir)/db.sock --pidfile=\(dir)/ovsdb.pid \
                  --unixctl=\(dir)/ovsdb.ctl --log-file=\(dir)/ovsdb.log --detach </dev/null >/dev/null 2>&1 && \
                timeout 60 ip netns exec \(hv) ovs-vswitchd unix:\(dir)/db.sock --pidfile=\(dir)/vswitchd.pid \
                  --unixctl=\(dir)/vswitchd.ctl --log-file=\(dir)/vswitchd.log --detach </dev/null >/dev/null 2>&1 && \
                ovs-vsctl --db=unix:\(dir)/db.sock --timeout=30 add-br hvbr
                """)
            print("vswitchd coexistence: a chassis's ovs-vswitchd serves ovs-system in \(hv)")
            defer { _ = try? rig.sh("kill $(cat \(dir)/vswitchd.pid) $(cat \(dir)/ovsdb.pid)") }
            #expect(try rig.exec("hv", "ovs-dpctl dump-dps").contains("ovs-system"))

            // In our namespace, no --allow-ovs-vswitchd: it starts and forwards.
            try rig.startDaemon()
            #expect(try rig.exec("vm1", "ping -c 2 -i 0.2 -w 20 192.168.100.55").contains("2 received"))
            print("vswitchd coexistence: vtep-kdp started beside it and forwards")

            // In the chassis's namespace, on ovs-system: refused, naming the ovs-vswitchd.
            let pid = try String(contentsOfFile: "\(dir)/vswitchd.pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            let refused = try ChildProcess.run(
                "/usr/bin/timeout",
                [
                    "30", "ip", "netns", "exec", hv, EndToEndRig.binary, "--db", "unix:\(rig.db.socketPath)", "--datapath", "ovs-system",
                    "br0",
                ])
            #expect(refused.status != 0)
            #expect(refused.errors.contains("ovs-vswitchd (pid \(pid)) runs in this network namespace"), "\(refused.errors)")
            #expect(try rig.exec("hv", "ovs-dpctl dump-dps").contains("ovs-system"))
        }
    }
}
