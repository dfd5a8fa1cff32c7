import Foundation
import Testing
@testable import VTEPOffload

/// Learning from the first frame, unicast back, MAC moves, aging and
/// binding statistics, with the real executable in the VM.
@Suite(.serialized, .enabled(if: KernelTestRig.shouldRun, "needs the openvswitch kernel module (run scripts/test-all.sh)"))
struct KernelLearningTests {
    @Test func learningMovesAgingAndStatisticsFollowTheTraffic() throws {
        let rig = try EndToEndRig(prefix: "ed", vxlanPort: 4797, subnet: 23)
        try rig.addLinuxVTEP(vni: 33, ip: rig.underlayIP(3), vm: "vm3", mac: "00:11:22:33:44:55", address: "192.168.100.55/24",
                             localMACs: ["aa:00:00:00:00:01", "aa:00:00:00:00:02"])
        try rig.applySeedScenario(unknownDst: [rig.underlayIP(3)])
        try rig.db.vtepctl("bind-ls", "br0", rig.port("p1"), "0", "ls0")   // VM2 in ls0 too
        // Counts every frame VM1 sends and receives, to compare with Logical_Binding_Stats.
        let onVM1 = try EndToEndRig.Capture(rig, in: "vm1", interface: "eth0", filter: "")
        try rig.startDaemon(extra: ["--mac-aging-time", "4"])

        // VM1's first frame: its MAC is in the database right after, and the frame arrives.
        let vm3 = try EndToEndRig.Capture(rig, in: "vm3", interface: "eth0", filter: "arp")
        _ = try? rig.exec("vm1", "arping -c 1 -w 1 -I eth0 192.168.100.55")
        let learnedAt = Date()
        try rig.waitFor("VM1 in list-local-macs", timeout: 10) { try rig.db.vtepctl("list-local-macs", "ls0").contains("aa:00:00:00:00:01") }
        let delay = Date().timeIntervalSince(learnedAt)
        print("learning: VM1's MAC was in Ucast_Macs_Local \(Int(delay * 1000)) ms after arping returned (emulated VM)")
        #expect(vm3.stop().contains { $0.contains("Request who-has 192.168.100.55") && $0.contains("aa:00:00:00:00:01") }, "the first frame was delivered")

        // A ping to VM1 from the remote VTEP comes as unicast: VM2 (same switch, p1) never sees it.
        let onVM2 = try EndToEndRig.Capture(rig, in: "vm2", interface: "eth0", filter: "icmp")
        let underlay = try EndToEndRig.Capture(rig, in: "ul", interface: "eth0", filter: "-T vxlan udp port 4797")
        #expect(try rig.exec("vm3", "ping -c 3 -i 0.2 -W 2 192.168.100.1").contains("3 received"))
        #expect(onVM2.stop().isEmpty)
        let requests = underlay.stop().filter { $0.contains("ICMP echo request") }
        #expect(requests.count == 3 && requests.allSatisfy { $0.contains("> \(rig.localIP).4797") }, "\(requests)")

        // The statistics of p0 equal what tcpdump saw on VM1's interface.
        Thread.sleep(forTimeInterval: 2.5)   // housekeeping writes every second with a 4 s aging time
        let frames = onVM1.stop()
        let sent = frames.filter { $0.contains(" aa:00:00:00:00:01 > ") }, received = frames.filter { $0.contains(" > aa:00:00:00:00:01") || $0.contains(" > ff:ff:ff:ff:ff:ff") && !$0.contains(" aa:00:00:00:00:01 > ") }
        func bytes(_ lines: [String]) -> Int {
            lines.reduce(0) { total, line in
                guard let range = line.range(of: "length "), let value = Int(line[range.upperBound...].prefix { $0.isNumber }) else { return total }
                return total + value
            }
        }
        let stats = try rig.db.vtepctl("--columns=packets_from_local,bytes_from_local,packets_to_local,bytes_to_local", "list", "Logical_Binding_Stats")
            .replacingOccurrences(of: " ", with: "")
        let p0Stats = "packets_from_local:\(sent.count)\nbytes_from_local:\(bytes(sent))\npackets_to_local:\(received.count)\nbytes_to_local:\(bytes(received))"
        #expect(stats.contains(p0Stats), "tcpdump on VM1 counted \(p0Stats); Logical_Binding_Stats: \(stats)\n\(frames)")

        // VM1's MAC moves to p1 (VM2 takes it over): followed within one 200 ms ping interval.
        try rig.exec("vm1", "ip link set eth0 down")
        try rig.exec("vm2", "sh -c 'ip link set eth0 down; ip link set eth0 address aa:00:00:00:00:01; ip addr add 192.168.100.1/24 dev eth0; ip link set eth0 up'")
        let moved = Date()
        _ = try? rig.exec("vm2", "arping -U -c 1 -w 1 -I eth0 192.168.100.1")
        try rig.waitFor("the move", timeout: 10) { try rig.dumpFlows().contains("in_port(2),eth(src=aa:00:00:00:00:01)") }
        let followed = Date().timeIntervalSince(moved)
        print("MAC move p0 → p1 followed in \(Int(followed * 1000)) ms (emulated VM)")
        #expect(followed < 2)
        #expect(try !rig.dumpFlows().contains("in_port(1),eth(src=aa:00:00:00:00:01)"))
        #expect(try rig.exec("vm3", "ping -c 2 -i 0.2 -W 2 192.168.100.1").contains("2 received"))

        // Aging: with VM2 (now holding VM1's MAC) active and VM1's old place idle, only the active one stays.
        try rig.exec("vm2", "ip addr del 192.168.100.2/24 dev eth0")
        let pinger = try ChildProcess("/bin/sh", ["-c", "exec ip netns exec \(rig.ns("vm2")) ping -i 0.3 -c 60 192.168.100.55"])
        try rig.exec("vm1", "sh -c 'ip link set eth0 address aa:00:00:00:00:09 && ip link set eth0 up'")
        _ = try? rig.exec("vm1", "arping -c 1 -w 1 -I eth0 192.168.100.55")
        try rig.waitFor("the new MAC to be learned", timeout: 10) { try rig.db.vtepctl("list-local-macs", "ls0").contains("aa:00:00:00:00:09") }
        try rig.waitFor("the idle MAC to age out", timeout: 20) { try !rig.db.vtepctl("list-local-macs", "ls0").contains("aa:00:00:00:00:09") }
        #expect(try !rig.dumpFlows().contains("aa:00:00:00:00:09"))
        #expect(try rig.db.vtepctl("list-local-macs", "ls0").contains("aa:00:00:00:00:01"))
        #expect(try rig.dumpFlows().contains("in_port(2),eth(src=aa:00:00:00:00:01)"))
        #expect(rig.log().contains { $0.contains("aging: aa:00:00:00:00:09 on \(rig.port("p0"))") })
        pinger.terminate()
    }
}
