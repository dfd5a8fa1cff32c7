import Foundation
import Testing

@testable import VTEPOffload

/// Tagged and untagged bindings, and two logical switches on one port in
/// different VLANs, stay apart; a tagged binding carries traffic to a
/// Linux VTEP with its tag pushed and popped.
extension KernelVTEPSuites {
    @Suite struct KernelIsolationTests {
        @Test func taggedAndUntaggedBindingsStayIsolated() throws {
            let rig = try EndToEndRig(prefix: "eb", vxlanPort: 4796, subnet: 21)
            try rig.applySeedScenario(unknownDst: ["10.21.0.2"])
            let p1 = rig.port("p1")
            for (vlan, vni) in [(10, 44), (20, 55)] {
                try rig.db.vtepctl("add-ls", "ls\(vni)")
                try rig.db.vtepctl("bind-ls", "br0", p1, String(vlan), "ls\(vni)")
                try rig.db.vtepctl("set", "Logical_Switch", "ls\(vni)", "tunnel_key=\(vni)")
                try rig.exec(
                    "vm2",
                    "sh -c 'ip link add link eth0 name eth0.\(vlan) type vlan id \(vlan) && ip link set eth0.\(vlan) address aa:00:00:00:\(vlan):02 up && ip addr add 192.168.\(vlan).2/24 dev eth0.\(vlan)'"
                )
            }
            // VNI 44's Linux VTEP at 10.21.0.3 holds VM4; VNI 55's unknown-dst is 10.21.0.4.
            try rig.addLinuxVTEP(
                vni: 44, ip: "10.21.0.3", vm: "vm4", mac: "00:44:00:00:00:04", address: "192.168.10.4/24",
                localMACs: ["aa:00:00:00:10:02"])
            try rig.db.vtepctl("add-mcast-remote", "ls44", "unknown-dst", "10.21.0.3")
            try rig.db.vtepctl("add-mcast-remote", "ls55", "unknown-dst", "10.21.0.4")
            try rig.startDaemon()

            // VLAN 10 ↔ VNI 44: the tag is popped into the tunnel and pushed out of it.
            #expect(try rig.exec("vm2", "ping -c 3 -i 0.2 -w 20 192.168.10.4").contains("3 received"))
            #expect(try rig.db.vtepctl("list-local-macs", "ls44").contains("aa:00:00:00:10:02"))

            // A broadcast on VLAN 20 leaves as VNI 55 only: not VNI 44 or 33, not on p0, not back on VLAN 10.
            var underlay = try EndToEndRig.Capture(rig, in: "ul", interface: "eth0", filter: "-T vxlan udp port 4796")
            let onP0 = try EndToEndRig.Capture(rig, in: "vm1", interface: "eth0", filter: "arp")
            var onP1 = try EndToEndRig.Capture(rig, in: "vm2", interface: "eth0", filter: "")
            _ = try? rig.exec("vm2", "arping -c 2 -w 2 -I eth0.20 192.168.20.99")
            var tunnelled = underlay.stop().filter { $0.contains("192.168.20.99") }
            #expect(!tunnelled.isEmpty && tunnelled.allSatisfy { $0.contains("vni 55") && $0.contains("> 10.21.0.4.4796") }, "\(tunnelled)")
            #expect(onP0.stop().isEmpty)
            let back = onP1.stop().filter { $0.contains("192.168.20.99") && !$0.contains("vlan 20") }
            #expect(back.isEmpty, "frames of VLAN 20 came back on another VLAN: \(back)")

            // A broadcast from the untagged binding on p0 never reaches p1's VLANs.
            underlay = try EndToEndRig.Capture(rig, in: "ul", interface: "eth0", filter: "-T vxlan udp port 4796")
            onP1 = try EndToEndRig.Capture(rig, in: "vm2", interface: "eth0", filter: "arp")
            _ = try? rig.exec("vm1", "arping -c 2 -w 2 -I eth0 192.168.100.99")
            tunnelled = underlay.stop().filter { $0.contains("192.168.100.99") }
            #expect(!tunnelled.isEmpty && tunnelled.allSatisfy { $0.contains("vni 33") }, "\(tunnelled)")
            #expect(onP1.stop().isEmpty)

            // A VLAN nobody bound: dropped by a kernel flow after the first miss.
            try rig.exec(
                "vm2",
                "sh -c 'ip link add link eth0 name eth0.30 type vlan id 30 && ip link set eth0.30 up && ip addr add 192.168.30.2/24 dev eth0.30'"
            )
            underlay = try EndToEndRig.Capture(rig, in: "ul", interface: "eth0", filter: "-T vxlan udp port 4796")
            _ = try? rig.exec("vm2", "arping -c 3 -w 2 -I eth0.30 192.168.30.99")
            #expect(underlay.stop().filter { $0.contains("192.168.30.99") }.isEmpty)
            try rig.waitFor("the unbound VLAN's drop flow", timeout: 10) {
                try rig.dumpFlows().split(separator: "\n").contains { $0.contains("vlan(vid=30") && $0.hasSuffix("actions:drop") }
            }
            #expect(rig.log().contains { $0.contains("drop unbound \(p1) vlan 30") })

            // And every flow the daemon keeps is one the compiler meant: the model's count.
            let modelled = try #require(rig.lastPass()?.split(separator: "(").last?.split(separator: " ").first.flatMap { Int($0) })
            #expect(try rig.kernelFlowCount() == modelled)

            // Unbinding VLAN 20 removes exactly ls55's flows (floods from p1 and from the tunnel,
            // and those of the MAC learned there), nothing else.
            let before = try rig.dumpFlows().split(separator: "\n").map { String($0.split(separator: ", packets")[0]) }
            let ls55 = { (flow: String) in
                flow.contains("0x1000037") || flow.contains("0x2000037") || flow.contains("tun_id=0x37") || flow.contains("vlan(vid=20")
            }
            #expect(before.filter(ls55).count >= 2, "\(before)")
            try rig.db.vtepctl("unbind-ls", "br0", p1, "20")
            try rig.waitFor("ls55's flows to go", timeout: 10) { try !rig.dumpFlows().contains("0x2000037") }
            let after = try rig.dumpFlows().split(separator: "\n").map { String($0.split(separator: ", packets")[0]) }
            #expect(Set(before).subtracting(after) == Set(before.filter(ls55)), "removed: \(Set(before).subtracting(after))")
            let remodelled = try #require(rig.lastPass()?.split(separator: "(").last?.split(separator: " ").first.flatMap { Int($0) })
            #expect(try rig.kernelFlowCount() == remodelled && remodelled == modelled - before.filter(ls55).count)
            #expect(Set(after).isSubset(of: Set(before)))
        }
    }
}
