import Glibc
import Testing

@testable import OVSDatapathCore
@testable import OVSDatapathNL

/// Datapaths and vports against the real openvswitch module, with
/// `ovs-dpctl` and `ip` as independent readers. Runs in the VM rig; skipped
/// on a host without the module.
extension KernelSuites {
    @Suite struct KernelDatapathTests {
        @Test("a datapath with netdev, internal and rtnetlink VXLAN ports shows up in ovs-dpctl as we made it")
        func ourDatapathAsOvsDpctlSeesIt() throws {
            let name = "kt-api"
            KernelRig.removeDatapath(name)
            _ = try KernelRig.sh("ip link del vxlan_sys_4789")
            try KernelRig.makeVeth("kt-veth0")
            let connection = try DatapathConnection()
            let datapath = try connection.createDatapath(name: name, upcalls: .perCPU([connection.socket.portID]))
            #expect(datapath.name == name)
            #expect(datapath.ifindex > 0)
            // Debian's 6.1 has per-CPU dispatch; asking for it must have worked.
            #expect(datapath.userFeatures.contains(.dispatchUpcallPerCPU))

            let veth = try connection.addVport(to: datapath, name: "kt-veth0", spec: .netdev)
            let internalPort = try connection.addVport(to: datapath, name: "kt-int0", spec: .internal, portNumber: 5)
            let (tunnel, method) = try connection.addVXLANPort(to: datapath)
            #expect(veth.portNumber == 1 && veth.type == .netdev)
            #expect(internalPort.portNumber == 5 && internalPort.type == .internal)
            #expect(method == .rtnetlinkDevice)
            #expect(tunnel.name == "vxlan_sys_4789" && tunnel.type == .netdev)

            let ports = try connection.vports(of: datapath)
            #expect(ports.map(\.name) == [name, "kt-veth0", "vxlan_sys_4789", "kt-int0"])
            #expect(ports.map(\.portNumber) == [0, 1, 2, 5])
            let dpctl = try KernelRig.dpctlPortLines(name)
            #expect(
                dpctl == [
                    "port 0: kt-api (internal)",
                    "port 1: kt-veth0",
                    "port 2: vxlan_sys_4789 (vxlan: packet_type=ptap)",
                    "port 5: kt-int0 (internal)",
                ])
            #expect(KernelRig.ourPortLines(try connection.datapath(named: name), ports) == dpctl)

            // The device behind the tunnel port is what OVS itself would make.
            let link = try KernelRig.must("ip -d link show vxlan_sys_4789")
            #expect(link.contains("dstport 4789"))
            #expect(link.contains("external"))
            #expect(link.contains("nolearning"))
            #expect(link.contains("mtu 65000"))

            // Deletion through our API is seen by the independent readers.
            try connection.deleteVXLANPort(tunnel)
            #expect(try KernelRig.sh("ip link show vxlan_sys_4789").status != 0)
            #expect(try KernelRig.dpctlPortLines(name).count == 3)
            try connection.deleteDatapath(named: name)
            #expect(try KernelRig.sh("ovs-dpctl show \(name)").status != 0)
            _ = try KernelRig.sh("ip link del kt-veth0")
        }

        @Test("the legacy genl VXLAN vport carries destination port 4789 and reads back through both")
        func legacyVXLANVport() throws {
            let name = "kt-legacy"
            KernelRig.removeDatapath(name)
            let connection = try DatapathConnection()
            let datapath = try connection.createDatapath(name: name)
            let (tunnel, method) = try connection.addVXLANPort(to: datapath, preferred: .legacyVport)
            #expect(method == .legacyVport)
            #expect(tunnel.type == .vxlan)
            #expect(tunnel.tunnelDestinationPort == 4789)
            let reread = try connection.vport(named: "vxlan_sys_4789", on: datapath)
            #expect(reread.tunnelDestinationPort == 4789 && reread.portNumber == tunnel.portNumber)

            let dpctl = try KernelRig.dpctlPortLines(name)
            #expect(dpctl == ["port 0: kt-legacy (internal)", "port 1: vxlan_sys_4789 (vxlan: packet_type=ptap)"])
            #expect(KernelRig.ourPortLines(datapath, try connection.vports(of: datapath)) == dpctl)
            // ovs-dpctl names the port explicitly only when it is not the default.
            let other = try connection.addVport(to: datapath, name: "vxlan_sys_4790", spec: .legacyVXLAN(destinationPort: 4790))
            #expect(
                try KernelRig.dpctlPortLines(name).last
                    == "port \(other.portNumber): vxlan_sys_4790 (vxlan: dst_port=4790, packet_type=ptap)")
            #expect(
                KernelRig.ourPortLines(datapath, try connection.vports(of: datapath)).last
                    == "port \(other.portNumber): vxlan_sys_4790 (vxlan: dst_port=4790, packet_type=ptap)")

            try connection.deleteVport(other)
            try connection.deleteVXLANPort(tunnel)
            #expect(try KernelRig.dpctlPortLines(name) == ["port 0: kt-legacy (internal)"])
            try connection.deleteDatapath(named: name)
        }

        @Test("a datapath and ports made by ovs-dpctl read back through our API with the same fields")
        func ovsDpctlDatapathThroughOurAPI() throws {
            let name = "kt-dpctl"
            KernelRig.removeDatapath(name)
            try KernelRig.makeVeth("kt-veth1")
            try KernelRig.must("ovs-dpctl add-dp \(name)")
            try KernelRig.must("ovs-dpctl add-if \(name) kt-veth1")
            try KernelRig.must("ovs-dpctl add-if \(name) kt-int1,type=internal,port_no=7")
            let connection = try DatapathConnection()
            let datapath = try connection.datapath(named: name)
            #expect(datapath.name == name)
            // ovs-dpctl asks for per-CPU dispatch on kernels that have it.
            #expect(datapath.userFeatures.contains(.dispatchUpcallPerCPU))
            let ports = try connection.vports(of: datapath)
            #expect(ports.map(\.name) == [name, "kt-veth1", "kt-int1"])
            #expect(ports.map(\.portNumber) == [0, 1, 7])
            #expect(ports.map(\.type) == [.internal, .netdev, .internal])
            #expect(KernelRig.ourPortLines(datapath, ports) == (try KernelRig.dpctlPortLines(name)))
            #expect(try connection.datapaths().contains { $0.name == name })

            // Deleted by ovs-dpctl: gone for us too, as a typed error.
            try KernelRig.must("ovs-dpctl del-if \(name) kt-int1")
            #expect(try connection.vports(of: datapath).map(\.name) == [name, "kt-veth1"])
            try KernelRig.must("ovs-dpctl del-dp \(name)")
            let error = try #require(throws: NetlinkError.self) { try connection.datapath(named: name) }
            #expect(error.errno == ENODEV)
            _ = try KernelRig.sh("ip link del kt-veth1")
        }

        @Test("statistics and features come back from a live datapath")
        func statisticsOfALiveDatapath() throws {
            let name = "kt-stats"
            KernelRig.removeDatapath(name)
            try KernelRig.makeVeth("kt-veth2")
            let connection = try DatapathConnection()
            let datapath = try connection.createDatapath(name: name, upcalls: .none)
            let port = try connection.addVport(to: datapath, name: "kt-veth2", spec: .netdev)
            // Frames into the peer arrive on the port and, with no flows and
            // upcalls disabled, count as missed and lost.
            try KernelRig.must("ip link set kt-veth2p address 02:00:00:00:00:22; ping -c 3 -i 0.2 -W 1 -I kt-veth2p 192.0.2.1 || true")
            let after = try connection.datapath(named: name)
            #expect(after.stats.misses > 0)
            #expect(after.stats.lost == after.stats.misses)
            #expect(after.stats.flows == 0)
            #expect(after.megaflowStats?.masks == 0)
            let stats = try #require(try connection.vport(number: port.portNumber, on: datapath).stats)
            #expect(stats.rxPackets > 0)
            try connection.deleteDatapath(named: name)
            _ = try KernelRig.sh("ip link del kt-veth2")
        }
    }
}
