import Foundation
import Testing

@testable import VTEPOffload

/// Tunnel ingress is authenticated by the underlay (issue 20, point 3): a
/// host on the underlay that the database never named sends VXLAN with our
/// VNI to our tunnel IP. Before, 40 of its 40 frames reached VM1; now none
/// do — they are dropped by a kernel flow, counted there and never learned —
/// while the named remote VTEP keeps working, and naming the rogue in the
/// database lets it in.
extension KernelVTEPSuites {
    @Suite struct KernelTunnelAdmissionTests {
        @Test func vxlanFromAnUnnamedUnderlayHostNeverReachesAVM() throws {
            let rig = try EndToEndRig.seededWithLinuxVTEP(prefix: "eh", vxlanPort: 4792, subnet: 26)
            // The rogue: VM4 behind a Linux VTEP for VNI 33 at .9, an address no row names.
            let rogueIP = try rig.addRogueVTEP(vni: 33, host: 9, vm: "vm4", mac: "00:66:00:00:00:04", address: "192.168.100.66/24")
            try rig.startDaemon()
            // The named VTEP works: VM1 ↔ VM3.
            #expect(try rig.exec("vm1", "ping -c 2 -i 0.2 -w 20 192.168.100.55").contains("2 received"))

            // 40 broadcasts from the rogue's VM4: none reaches VM1.
            var atVM1 = try EndToEndRig.Capture(rig, in: "vm1", interface: "eth0", filter: "ether src 00:66:00:00:00:04")
            let underlay = try EndToEndRig.Capture(
                rig, in: "ul", interface: "eth0", filter: "-T vxlan udp port 4792 and src host \(rogueIP)")
            try rig.sendBroadcasts(from: "vm4", source: "00:66:00:00:00:04", count: 40)
            let sent = underlay.stop().filter { $0.contains("00:66:00:00:00:04") }.count
            let reached = atVM1.stop()
            print("tunnel admission: the rogue sent \(sent) VXLAN frames, \(reached.count) reached VM1")
            #expect(sent >= 40, "the rogue must really have sent its frames")
            #expect(reached.isEmpty, "\(reached)")

            // Dropped in the kernel by a flow of its own, which counts them; said in the log.
            let drop = try rig.dumpFlows().split(separator: "\n").first {
                $0.contains("tunnel(tun_id=0x21,src=\(rogueIP),dst=\(rig.localIP)") && $0.hasSuffix("actions:drop")
            }
            #expect(drop != nil && drop?.contains("packets:0,") == false, "\(String(describing: drop))")
            #expect(rig.log().contains { $0.contains("drop VXLAN VNI 33 from \(rogueIP) to \(rig.localIP)") })
            let status = try rig.sh(
                "\(EndToEndRig.binary) status --db unix:\(rig.db.socketPath) --datapath \(rig.datapath) br0")
            #expect(status.contains("VNI 33 from \(rogueIP) to \(rig.localIP):"), "\(status)")
            // Nothing of it was learned or listed.
            #expect(try !rig.db.vtepctl("list-local-macs", "ls0").contains("00:66"))

            // The named VTEP still reaches VM1.
            #expect(try rig.exec("vm3", "ping -c 2 -i 0.2 -w 20 192.168.100.1").contains("2 received"))

            // Named in the database (a remote MAC behind it), the rogue is a locator: its drop
            // becomes an admission under the same UFID, and VM4's broadcasts reach VM1. (Only
            // broadcasts: our replies go to port \(vxlanPort) at .9, where VM3's VTEP listens.)
            try rig.db.vtepctl("add-ucast-remote", "ls0", "00:66:00:00:00:04", rogueIP)
            try rig.waitFor("the rogue's admission", timeout: 30) {
                try rig.dumpFlows().split(separator: "\n").contains {
                    $0.contains("tunnel(tun_id=0x21,src=\(rogueIP),") && $0.contains("actions:recirc(0x2000021)")
                }
            }
            atVM1 = try EndToEndRig.Capture(rig, in: "vm1", interface: "eth0", filter: "ether src 00:66:00:00:00:04")
            try rig.sendBroadcasts(from: "vm4", source: "00:66:00:00:00:04", count: 5, gap: 0.1)
            #expect(atVM1.stop().count >= 5)
        }
    }
}
