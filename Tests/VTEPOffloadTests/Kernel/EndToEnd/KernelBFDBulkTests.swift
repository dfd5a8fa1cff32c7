import Foundation
import TestSupport
import Testing

/// BFD under the heaviest pass there is (issue 22): a bulk change of
/// 100,000 remote MACs with a 300 ms detection time. Not kernel-specific,
/// so it runs on Debian 12's kernel only (not among the `core` suites).
extension KernelVTEPSuites {
    @Suite struct KernelBFDBulkTests {
        /// The pass that installs 100,000 remote MACs keeps vtep-kdp busy
        /// for seconds in the VM; BFD's thread goes on, so neither side of a
        /// 300 ms detection time notices.
        @Test func aBulkChangeOf100000RemoteMACsDropsNoSession() throws {
            let (rig, sn1, t1) = try KernelBFDTests.oneServiceNode(prefix: "ew", vxlanPort: 4809, subnet: 38)
            defer { sn1.stop() }
            Thread.sleep(forTimeInterval: 1)
            let ovsFlaps = try sn1.bfdStatus("flap_count")
            let flowsBefore = try rig.kernelFlowCount()
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
                "../../../../perf/vtep-vs-ofctl/add-remote-macs.py"
            ).standardized.path
            let started = Date()
            try rig.sh("python3 \(script) \(rig.db.socketPath) ls0 100000 0 \(rig.underlayIP(3))")
            try rig.waitFor("100,000 remote MACs in the kernel", timeout: 600) { try rig.kernelFlowCount() >= flowsBefore + 100_000 }
            print(
                "bfd under a bulk change: 100,000 remote MACs committed and installed in \(String(format: "%.1f", Date().timeIntervalSince(started))) s; detection time 300 ms"
            )
            Thread.sleep(forTimeInterval: 1)
            #expect(try KernelBFDTests.bfd(t1, "state", rig) == "up" && KernelBFDTests.bfd(t1, "flap_count", rig) == "0")
            #expect(try sn1.bfdStatus("state") == "up" && sn1.bfdStatus("flap_count") == ovsFlaps, "ovs-vswitchd saw the session drop")
            #expect(!rig.log().contains { $0.contains("bfd: \(sn1.ip): up → ") })
        }
    }
}
