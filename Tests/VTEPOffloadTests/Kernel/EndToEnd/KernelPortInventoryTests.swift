import Foundation
import TestSupport
import Testing

@testable import VTEPOffload

/// The switch's ports without ovs-vswitchd (issue 26, point 1): the
/// datapath's network-device ports are the switch's, published as
/// Physical_Port rows as ovs-vtep publishes its bridge's ports, and a port
/// that leaves either side leaves the other.
extension KernelVTEPSuites {
    @Suite struct KernelPortInventoryTests {
        @Test func portsJoiningAndLeavingTheDatapathJoinAndLeaveTheSwitch() throws {
            let rig = try EndToEndRig.seededWithLinuxVTEP(prefix: "em", vxlanPort: 4803, subnet: 31)
            let (p5, p6, p7) = (rig.port("p5"), rig.port("p6"), rig.port("p7"))
            try rig.sh(
                "for p in \(p5) \(p6) \(p7); do ip link add $p type veth peer name $p-peer && ip link set $p up && ip link set $p-peer up; done"
            )
            defer { _ = try? rig.sh("for p in \(p5) \(p6) \(p7); do ip link del $p; done 2>/dev/null; true") }
            func listed() throws -> [String] { try rig.db.vtepctl("list-ports", "br0").split(separator: "\n").map(String.init) }
            func inDatapath(_ port: String) throws -> Bool { try rig.sh("ovs-dpctl show \(rig.datapath)").contains(": \(port)\n") }

            // --port at start: published with the rows vtep-ctl made, and the switch's identity written.
            try rig.startDaemon(extra: ["--port", p5, "--management-ip", "192.0.2.31"])
            try rig.waitFor("--port \(p5) published", timeout: 10) { try listed().contains(p5) }
            #expect(try listed() == [rig.port("p0"), rig.port("p1"), p5])
            #expect(
                try rig.db.vtepctl("get", "Physical_Switch", "br0", "description", "management_ips")
                    == "\"vtep-kdp: VXLAN VTEP on kernel datapath \(rig.datapath)\"\n[\"192.0.2.31\"]")

            // Into the datapath by hand: a row appears; out again: it goes.
            var started = Date()
            _ = try rig.sh("\(EndToEndRig.binary) add-port \(rig.datapath) \(p6)")
            try rig.waitFor("\(p6) published", timeout: 10) { try listed().contains(p6) }
            let published = Date().timeIntervalSince(started)
            started = Date()
            _ = try rig.sh("\(EndToEndRig.binary) del-port \(rig.datapath) \(p6)")
            try rig.waitFor("\(p6)'s row deleted", timeout: 10) { try !listed().contains(p6) }
            let unpublished = Date().timeIntervalSince(started)
            print(String(format: "port inventory: add-port → row in %.2f s, del-port → row gone in %.2f s", published, unpublished))

            // A device deleted takes its port out of the datapath, and so its row.
            _ = try rig.sh("ovs-dpctl add-if \(rig.datapath) \(p7)")
            try rig.waitFor("\(p7) published", timeout: 10) { try listed().contains(p7) }
            _ = try rig.sh("ip link del \(p7)")
            try rig.waitFor("\(p7)'s row deleted with its device", timeout: 10) { try !listed().contains(p7) }

            // A row deleted takes its port out of the datapath; a row added puts it back.
            let p1 = rig.port("p1")
            try rig.db.vtepctl("del-port", "br0", p1)
            try rig.waitFor("\(p1) out of the datapath", timeout: 10) { try !inDatapath(p1) }
            try rig.db.vtepctl("add-port", "br0", p1)
            try rig.waitFor("\(p1) back in the datapath", timeout: 10) { try inDatapath(p1) }

            // Through all this, forwarding went on.
            #expect(try rig.exec("vm1", "ping -c 2 -i 0.2 -w 20 192.168.100.55").contains("2 received"))
            #expect(try listed() == [rig.port("p0"), p1, p5])

            // A restart changes nothing: the ports both sides hold stay.
            rig.stopDaemon()
            try rig.startDaemon(extra: ["--port", p5])
            Thread.sleep(forTimeInterval: 2)
            #expect(try listed() == [rig.port("p0"), p1, p5])
            #expect(try inDatapath(p5) && inDatapath(p1))
        }
    }
}
