import Foundation
import TestSupport
import Testing

@testable import VTEPOffload

/// vtep-kdp as the gateway of a real OVN (issue 26): OVN 23.03's
/// ovn-controller-vtep is the controller, a hypervisor chassis with
/// ovs-vswitchd runs beside us in a network namespace of its own, and
/// vtep-kdp is started with `--port` alone: no `vtep-ctl add-port`, no
/// `--allow-ovs-vswitchd`.
extension KernelVTEPSuites {
    @Suite struct KernelOVNTests {
        static let (vm1, vm2, vm3, vm4, vm5) = (
            "aa:00:00:00:00:01", "aa:00:00:00:00:02", "aa:00:00:00:00:03", "aa:00:00:00:00:04", "aa:00:00:00:00:05"
        )

        @Test func ovnDrivesVtepKdpAsItsVTEPGateway() throws {
            // OVN sends VXLAN to a gateway on 4789: vtep-kdp's VXLAN port must be there.
            let rig = try EndToEndRig(prefix: "eo", vxlanPort: 4789, subnet: 32)
            let ovn = try OVNRig(rig)
            let (p0, p1) = (rig.port("p0"), rig.port("p1"))
            try rig.db.vtepctl("add-ps", "br0")
            try rig.db.vtepctl("set", "Physical_Switch", "br0", "tunnel_ips=\(rig.localIP)")
            try rig.startDaemon(extra: ["--port", p0, "--port", p1])
            try rig.waitFor("the ports published", timeout: 10) { try rig.db.vtepctl("list-ports", "br0") == "\(p0)\n\(p1)" }

            // OVN: ls0 with VM3 on the chassis and a vtep port on our br0/ls0.
            try ovn.addLogicalSwitch("ls0")
            try ovn.addLogicalPort("vm3", on: "ls0", mac: Self.vm3, ip: "192.168.100.3")
            try ovn.addVIF("vm3", mac: Self.vm3, address: "192.168.100.3/24")
            try rig.db.vtepctl("add-ls", "ls0")
            try rig.db.vtepctl("bind-ls", "br0", p0, "0", "ls0")
            try ovn.startControllerVTEP()

            // OVN registers the gateway chassis and gives the switch its key.
            try rig.waitFor("OVN to register br0 as a chassis", timeout: 60) {
                (try? ovn.sbctl("--bare", "--columns=name", "list", "Chassis").split(separator: "\n").contains("br0")) == true
            }
            try rig.waitFor("ls0's tunnel key", timeout: 60) { (try? rig.db.vtepctl("get", "Logical_Switch", "ls0", "tunnel_key")) != "[]" }
            let key = try rig.db.vtepctl("get", "Logical_Switch", "ls0", "tunnel_key")
            #expect(key == (try ovn.sbctl("--bare", "--columns=tunnel_key", "find", "Datapath_Binding", "external_ids:name=ls0")))
            try rig.waitFor("VM3's MAC from OVN", timeout: 60) { try rig.db.vtepctl("list-remote-macs", "ls0").contains(Self.vm3) }

            // Pings both ways; VM1 learned and published for OVN.
            #expect(try rig.exec("vm1", "ping -c 3 -i 0.2 -w 20 192.168.100.3").contains("3 received"))
            #expect(try rig.exec("vm3", "ping -c 3 -i 0.2 -w 20 192.168.100.1").contains("3 received"))
            try rig.waitFor("VM1 in Ucast_Macs_Local", timeout: 20) { try rig.db.vtepctl("list-local-macs", "ls0").contains(Self.vm1) }
            print("ovn: ls0 key \(key); pings both ways; VM1 in Ucast_Macs_Local")

            // Broadcast both ways: an ARP request for an address nobody has reaches the other side.
            var capture = try EndToEndRig.Capture(rig, in: "vm3", interface: "eth0", filter: "arp")
            _ = try? rig.exec("vm1", "arping -c 1 -w 1 -I eth0 192.168.100.99")
            #expect(capture.stop().contains { $0.contains(Self.vm1) && $0.contains("who-has 192.168.100.99") })
            capture = try EndToEndRig.Capture(rig, in: "vm1", interface: "eth0", filter: "arp")
            _ = try? rig.exec("vm3", "arping -c 1 -w 1 -I eth0 192.168.100.98")
            #expect(capture.stop().contains { $0.contains(Self.vm3) && $0.contains("who-has 192.168.100.98") })

            // A VIF added in OVN reaches the kernel, and leaves it when deleted.
            try ovn.addVIF("vm5", mac: Self.vm5, address: "192.168.100.5/24")
            var started = Date()
            try ovn.addLogicalPort("vm5", on: "ls0", mac: Self.vm5, ip: "192.168.100.5")
            try rig.waitFor("VM5's flow", timeout: 60) { try rig.dumpFlows().contains("eth(dst=\(Self.vm5))") }
            let added = Date().timeIntervalSince(started)
            #expect(try rig.exec("vm1", "ping -c 2 -i 0.2 -w 20 192.168.100.5").contains("2 received"))
            started = Date()
            try ovn.nbctl("lsp-del", "vm5")
            try rig.waitFor("VM5's flow gone", timeout: 60) { try !rig.dumpFlows().contains("eth(dst=\(Self.vm5))") }
            let deleted = Date().timeIntervalSince(started)
            print(
                String(
                    format: "ovn: a VIF added in OVN is in the kernel %.2f s after ovn-nbctl; deleted, gone after %.2f s", added, deleted))

            // A second logical switch, on a VLAN-tagged binding: VM2's eth0.100 ↔ VM4.
            try rig.sh(
                "ip -n \(rig.ns("vm2")) link add link eth0 name eth0.100 type vlan id 100 && ip -n \(rig.ns("vm2")) link set eth0.100 up "
                    + "&& ip -n \(rig.ns("vm2")) addr add 192.168.101.2/24 dev eth0.100")
            try ovn.addLogicalSwitch("ls1")
            try ovn.addLogicalPort("vm4", on: "ls1", mac: Self.vm4, ip: "192.168.101.4")
            try ovn.addVIF("vm4", mac: Self.vm4, address: "192.168.101.4/24")
            try rig.db.vtepctl("add-ls", "ls1")
            try rig.db.vtepctl("bind-ls", "br0", p1, "100", "ls1")
            try rig.waitFor("ls1's tunnel key", timeout: 60) { (try? rig.db.vtepctl("get", "Logical_Switch", "ls1", "tunnel_key")) != "[]" }
            let key1 = try rig.db.vtepctl("get", "Logical_Switch", "ls1", "tunnel_key")
            #expect(key1 != key)
            try rig.waitFor("VM4's MAC from OVN", timeout: 60) { try rig.db.vtepctl("list-remote-macs", "ls1").contains(Self.vm4) }
            #expect(try rig.exec("vm2", "ping -c 3 -i 0.2 -w 20 192.168.101.4").contains("3 received"))
            #expect(try rig.exec("vm4", "ping -c 3 -i 0.2 -w 20 192.168.101.2").contains("3 received"))
            #expect(try rig.db.vtepctl("get", "Physical_Port", p1, "port_fault_status") == "[]")
            #expect(try rig.db.vtepctl("get", "Physical_Switch", "br0", "switch_fault_status") == "[]")
            print("ovn: ls1 key \(key1) on \(p1) vlan 100; pings both ways")

            // kill -9 under traffic, and back: nothing lost.
            let summary = try rig.pingSummary(from: "vm1", to: "192.168.100.3", count: 300) {
                rig.stopDaemon(signal: SIGKILL)
                Thread.sleep(forTimeInterval: 1)
                try rig.startDaemon(extra: ["--port", p0, "--port", p1])
            }
            #expect(summary.contains("300 packets transmitted, 300 received"), "\(summary)")
            print("ovn: kill -9 under a 100/s ping: \(summary)")
        }
    }
}
