import Foundation
import Testing

@testable import VTEPOffload

/// vtep-kdp end to end in the VM: the real executable, the real module, a
/// real ovsdb-server, frames between network namespaces, and a Linux
/// bridge + vxlan device as the remote VTEP.
extension KernelVTEPSuites {
    @Suite struct KernelEndToEndTests {
        @Test func theSeedScenarioInteroperatesWithALinuxVTEPInBothReplicationModes() throws {
            // VM3 (00:11:22:33:44:55) behind a Linux VTEP at .3, which is also the service node.
            let rig = try EndToEndRig.seededWithLinuxVTEP(prefix: "ea", vxlanPort: 4794, subnet: 20)
            try rig.startDaemon()

            // VM1's first frame: learned (DB and kernel) and delivered; ping and TCP work.
            let underlay = try EndToEndRig.Capture(rig, in: "ul", interface: "eth0", filter: "-T vxlan udp port 4794")
            let ping = try rig.exec("vm1", "ping -c 3 -i 0.2 -w 20 192.168.100.55")
            #expect(ping.contains("3 received"), "\(ping)")
            let frames = underlay.stop()
            #expect(frames.contains { $0.contains("10.20.0.1.") && $0.contains("> 10.20.0.3.4794") && $0.contains("vni 33") }, "\(frames)")
            #expect(
                frames.contains { $0.contains("aa:00:00:00:00:01 > 00:11:22:33:44:55") && $0.contains("ICMP echo request") }, "\(frames)")
            #expect(try rig.db.vtepctl("list-local-macs", "ls0").contains("aa:00:00:00:00:01 -> vxlan_over_ipv4/10.20.0.1"))
            #expect(try rig.db.vtepctl("list-local-macs", "ls0").contains("unknown-dst -> vxlan_over_ipv4/10.20.0.1"))
            #expect(try rig.dumpFlows().contains("eth(src=aa:00:00:00:00:01)"))

            try Self.transferOneMebibyte(rig)

            // service_node: one copy of a broadcast, to the service node only.
            try rig.db.vtepctl("add-mcast-remote", "ls0", "unknown-dst", "10.20.0.2")
            try rig.db.vtepctl("del-mcast-remote", "ls0", "unknown-dst", "10.20.0.3")
            try rig.db.vtepctl("add-mcast-remote", "ls0", "unknown-dst", "10.20.0.3")
            try rig.waitFor("the flood flow", timeout: 10) { try rig.dumpFlows().contains("dst=10.20.0.2") }
            var capture = try EndToEndRig.Capture(rig, in: "ul", interface: "eth0", filter: "-T vxlan udp port 4794")
            _ = try? rig.exec("vm1", "arping -c 1 -w 1 -I eth0 192.168.100.99")
            var copies = capture.stop().filter { $0.contains("Request who-has 192.168.100.99") }
            #expect(copies.count == 1, "service_node: \(copies)")

            // source_node: one copy per member.
            try rig.db.vtepctl("set-replication-mode", "ls0", "source_node")
            try rig.waitFor("source_node flood", timeout: 10) {
                try rig.dumpFlows().split(separator: "\n").contains { $0.contains("dst=10.20.0.2") && $0.contains("dst=10.20.0.3") }
            }
            capture = try EndToEndRig.Capture(rig, in: "ul", interface: "eth0", filter: "-T vxlan udp port 4794")
            _ = try? rig.exec("vm1", "arping -c 1 -w 1 -I eth0 192.168.100.98")
            copies = capture.stop().filter { $0.contains("Request who-has 192.168.100.98") }
            #expect(
                copies.count == 2 && copies.contains { $0.contains("> 10.20.0.2.4794") }
                    && copies.contains { $0.contains("> 10.20.0.3.4794") },
                "source_node: \(copies)")
            // And ping and TCP still cross in source_node mode.
            #expect(try rig.exec("vm1", "ping -c 2 -i 0.2 -w 20 192.168.100.55").contains("2 received"))
            try Self.transferOneMebibyte(rig)

            // p1 is not bound: what VM2 sends goes nowhere, dropped in the kernel without upcalls.
            capture = try EndToEndRig.Capture(rig, in: "ul", interface: "eth0", filter: "-T vxlan udp port 4794")
            _ = try? rig.exec("vm2", "arping -c 3 -w 2 -I eth0 192.168.100.97")
            #expect(capture.stop().filter { $0.contains("aa:00:00:00:00:02") }.isEmpty)
            let dropped = try rig.dumpFlows().split(separator: "\n").first {
                $0.contains("in_port(2),eth(),") && $0.hasSuffix("actions:drop")
            }
            #expect(dropped != nil && dropped?.contains("packets:0,") == false, "\(String(describing: dropped))")

            // The kernel holds exactly the model. A remote MAC behind a new locator adds
            // its flow and the admission of VXLAN from that locator; deleting it
            // removes exactly those two.
            let modelled = try #require(rig.lastPass()?.split(separator: "(").last?.split(separator: " ").first.flatMap { Int($0) })
            #expect(try rig.kernelFlowCount() == modelled)
            try rig.db.vtepctl("add-ucast-remote", "ls0", "00:11:22:33:44:66", "10.20.0.4")
            try rig.waitFor("the new remote MAC's flows", timeout: 10) { try rig.kernelFlowCount() == modelled + 2 }
            #expect(try rig.dumpFlows().contains("tunnel(tun_id=0x21,src=10.20.0.4,dst=10.20.0.1"))
            try rig.db.vtepctl("del-ucast-remote", "ls0", "00:11:22:33:44:66")
            try rig.waitFor("their removal", timeout: 10) { try rig.kernelFlowCount() == modelled }
            #expect(rig.log().contains { $0.contains("kernel: 0 added, 0 modified, 2 deleted") })
            rig.stopDaemon()
            // SIGTERM leaves the flows.
            #expect(try rig.kernelFlowCount() == modelled)
        }

        /// 1 MiB over TCP from VM1 to VM3 across the tunnel; both ends' byte count and SHA-256 must agree.
        static func transferOneMebibyte(_ rig: EndToEndRig) throws {
            let transfer = try rig.exec(
                "vm3",
                """
                python3 -c 'import socket,hashlib;s=socket.socket();s.bind(("0.0.0.0",5001));s.listen(1);c,_=s.accept();d=b""
                while True:
                  b=c.recv(65536)
                  if not b: break
                  d+=b
                print(len(d),hashlib.sha256(d).hexdigest())' & sleep 1; \
                ip netns exec \(rig.ns("vm1")) python3 -c 'import socket,hashlib;d=bytes(range(256))*4096;s=socket.create_connection(("192.168.100.55",5001));s.sendall(d);s.close();print(len(d),hashlib.sha256(d).hexdigest())'; wait
                """)
            let lines = transfer.split(separator: "\n").map(String.init)
            #expect(lines.count == 2 && lines[0] == lines[1] && lines[0].hasPrefix("1048576 "), "TCP transfer: \(transfer)")
        }
    }
}
