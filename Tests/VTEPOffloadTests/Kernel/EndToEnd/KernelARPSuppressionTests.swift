import Foundation
import TestSupport
import Testing

@testable import VTEPOffload

/// ARP suppression (issue 25) in the seed scenario: VM3's remote row
/// carries its IP, ls0 has `other_config:arp-suppression=true`, and VM1's
/// requests for VM3 are answered by vtep-kdp — none crosses the underlay —
/// while a request for an address nobody knows is flooded as before.
extension KernelVTEPSuites {
    @Suite struct KernelARPSuppressionTests {
        @Test func requestsForAKnownAddressAreAnsweredHereAndTheRestFlooded() throws {
            let rig = try EndToEndRig.seededWithLinuxVTEP(prefix: "ey", vxlanPort: 4811, subnet: 40)
            let row = try rig.db.vtepctl("--bare", "--columns=_uuid", "find", "Ucast_Macs_Remote", "MAC=00\\:11\\:22\\:33\\:44\\:55")
            try rig.db.vtepctl("set", "Ucast_Macs_Remote", row, "ipaddr=192.168.100.55")
            try rig.db.vtepctl("set", "Logical_Switch", "ls0", "other_config:arp-suppression=true")
            try rig.startDaemon()

            // VM1 resolves VM3 and pings it: its kernel's request is answered here.
            let underlay = try EndToEndRig.Capture(rig, in: "ul", interface: "eth0", filter: "-T vxlan udp port 4811")
            let onVM1 = try EndToEndRig.Capture(rig, in: "vm1", interface: "eth0", filter: "arp")
            #expect(try rig.exec("vm1", "ping -c 2 -i 0.3 -w 20 192.168.100.55").contains("2 received"))
            let arping = try rig.exec("vm1", "arping -c 3 -w 10 -I eth0 192.168.100.55")
            #expect(arping.contains("3 packets received") || arping.contains("Received 3 response"), "\(arping)")
            let neighbour = try rig.exec("vm1", "ip neigh show 192.168.100.55")
            #expect(neighbour.contains("lladdr 00:11:22:33:44:55"), "\(neighbour)")
            let crossed = underlay.stop()
            // Broadcast requests only: a unicast one (the neighbour cache's refresh) is forwarded, as it should be.
            #expect(
                !crossed.contains { $0.contains("> ff:ff:ff:ff:ff:ff") && $0.contains("who-has 192.168.100.55") },
                "a broadcast request for VM3 crossed the underlay: \(crossed)")
            #expect(crossed.contains { $0.contains("ICMP echo request") }, "the ping itself went through the tunnel")
            let replies = onVM1.stop().filter { $0.contains("Reply 192.168.100.55 is-at 00:11:22:33:44:55") }
            #expect(replies.count >= 4, "\(replies)")
            // The reply, to the byte: from VM3's MAC to VM1's, a 42-byte ARP reply.
            #expect(replies.allSatisfy { $0.contains("00:11:22:33:44:55 > aa:00:00:00:00:01") && $0.contains("length 42") })

            // An address nobody knows: flooded as before, to the unknown-dst node.
            let again = try EndToEndRig.Capture(rig, in: "ul", interface: "eth0", filter: "-T vxlan udp port 4811")
            _ = try? rig.exec("vm1", "arping -c 1 -w 1 -I eth0 192.168.100.77")
            let flooded = again.stop()
            #expect(flooded.contains { $0.contains("Request who-has 192.168.100.77") }, "\(flooded)")
            // Another EtherType's broadcast: flooded, by a flow of its own from its first miss on.
            let experimental = try EndToEndRig.Capture(rig, in: "ul", interface: "eth0", filter: "-T vxlan udp port 4811")
            try rig.sendBroadcasts(from: "vm1", source: "aa:00:00:00:00:01", count: 5, gap: 0.2)
            let seen = experimental.stop().filter { $0.contains("0x88b5") }
            #expect(seen.count == 5, "\(seen)")
            let flows = try rig.dumpFlows()
            #expect(flows.contains("eth(dst=ff:ff:ff:ff:ff:ff),eth_type(0x88b5)"), "\(flows)")
            #expect(flows.contains("arp(tip=192.168.100.55,op=1/0xff)"), "\(flows)")
            print("arp suppression: \(replies.count) replies from vtep-kdp; arping: \(arping.split(separator: "\n").last ?? "")")
        }
    }
}
