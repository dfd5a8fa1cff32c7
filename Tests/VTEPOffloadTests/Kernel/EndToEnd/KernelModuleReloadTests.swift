import Foundation
import TestSupport
import Testing

@testable import VTEPOffload

/// Suites that change the kernel for everyone — unloading the openvswitch
/// module takes every datapath in the VM with it — so they run alone:
/// scripts/vm/kernel-suite.sh runs them in a second invocation, after every
/// other kernel test, and sets VTEPKDP_EXCLUSIVE_KERNEL=1 for it. (Never on
/// a host whose own datapaths matter.)
@Suite(
    .serialized,
    .enabled(
        if: KernelTestRig.shouldRun && ProcessInfo.processInfo.environment["VTEPKDP_EXCLUSIVE_KERNEL"] == "1",
        "reloads the openvswitch module: scripts/vm/kernel-suite.sh runs it alone in the VM"))
enum ExclusiveKernelSuites {}

extension ExclusiveKernelSuites {
    /// The openvswitch module unloaded and loaded again under a running
    /// daemon (issue 20, point 6). The new module numbers its netlink
    /// families anew, so every request on the old ids fails with ENOENT.
    /// Before, the daemon logged "sync pass failed" and forwarded nothing
    /// until restarted; now it resolves the families again, makes the
    /// datapath and reinstalls every flow, and says so in one line.
    @Suite struct KernelModuleReloadTests {
        @Test func theOpenvswitchModuleReloadedUnderTheDaemon() throws {
            let rig = try EndToEndRig.seededWithLinuxVTEP(prefix: "ej", vxlanPort: 4800, subnet: 28)
            try rig.startDaemon(extra: ["--mac-aging-time", "8"])  // housekeeping every 2 s
            #expect(try rig.exec("vm1", "ping -c 2 -i 0.2 -w 20 192.168.100.55").contains("2 received"))
            let flows = try rig.kernelFlowCount()

            // Stopped, so the daemon cannot make the datapath again before the module is gone.
            rig.signalDaemon(SIGSTOP)
            // Every datapath goes (earlier suites may have left some, holding the module), then the module.
            try rig.sh(
                """
                (for dp in $(ovs-dpctl dump-dps); do ovs-dpctl del-dp "$dp"; done; rmmod vport_vxlan; rmmod openvswitch) 2>&1; \
                lsmod | grep -q '^openvswitch ' && { lsmod | grep -E 'openvswitch|vport'; exit 1; }; modprobe openvswitch
                """)
            let reloaded = ContinuousClock.now
            rig.signalDaemon(SIGCONT)

            try rig.waitFor("the datapath and its flows to be back", timeout: 120) {
                (try? rig.kernelFlowCount()) ?? 0 >= flows
            }
            print("module reload: back with \(try rig.kernelFlowCount()) flows after \(ContinuousClock.now - reloaded) (emulated VM)")
            // The line is written only when the families were found renumbered.
            let lines = rig.log().filter { $0.contains("the openvswitch module was reloaded") }
            #expect(lines.count == 1, "\(rig.log().suffix(20))")
            #expect(lines.first?.contains("making it again and reinstalling every flow") == true)
            #expect(try rig.exec("vm1", "ping -c 3 -i 0.2 -w 30 192.168.100.55").contains("3 received"))
            #expect(rig.daemonIsAlive)
        }
    }
}
