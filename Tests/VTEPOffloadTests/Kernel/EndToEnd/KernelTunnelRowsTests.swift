import Foundation
import TestSupport
import Testing

/// The daemon keeps one Tunnel row per remote locator (issue 22, point 1),
/// as ovs-vtep does: added when a locator is first used, removed when no
/// row names it any more.
extension KernelVTEPSuites {
    @Suite struct KernelTunnelRowsTests {
        @Test func tunnelRowsComeAndGoWithTheRemoteLocators() throws {
            let rig = try EndToEndRig.seededWithLinuxVTEP(prefix: "et", vxlanPort: 4807, subnet: 36)
            try rig.startDaemon()
            func remotes() throws -> [String] {
                try rig.db.vtepctl("--columns=remote", "--bare", "list", "Tunnel").split(separator: "\n").filter { !$0.isEmpty }.map {
                    try rig.db.vtepctl("get", "Physical_Locator", String($0), "dst_ip").replacingOccurrences(of: "\"", with: "")
                }.sorted()
            }
            // The seed: the remote MAC and unknown-dst both at .3.
            try rig.waitFor("the Tunnel row to .3", timeout: 20) { try remotes() == [rig.underlayIP(3)] }
            let status = try rig.db.vtepctl("--columns=bfd_status,bfd_config_local", "--bare", "list", "Tunnel")
            #expect(status.contains("enabled=false") && status.contains("169.254.1.0") && status.contains("00:23:20:00:00:01"), "\(status)")
            // A remote MAC behind a new locator: a second row; gone again with the MAC.
            try rig.db.vtepctl("add-ucast-remote", "ls0", "00:11:22:33:44:77", rig.underlayIP(9))
            try rig.waitFor("the Tunnel row to .9", timeout: 20) { try remotes() == [rig.underlayIP(3), rig.underlayIP(9)] }
            try rig.db.vtepctl("del-ucast-remote", "ls0", "00:11:22:33:44:77")
            try rig.waitFor("the Tunnel row to .9 to go", timeout: 20) { try remotes() == [rig.underlayIP(3)] }
        }
    }
}
