import Foundation
import Testing
import OVSDatapathNL
@testable import VTEPOffload

/// Parent of every VTEPOffload suite that needs the kernel: they run real
/// daemons and time real traffic, so they go one after another rather
/// than compete for the VM's two emulated CPUs (beside them, only
/// OVSDatapathNL's own serialized kernel suites run).
@Suite(.serialized, .enabled(if: KernelTestRig.shouldRun, "needs the openvswitch kernel module (run scripts/test-all.sh)"))
enum KernelVTEPSuites {}

/// What the VTEPOffload kernel suites share: the gate, a shell, and a
/// scratch datapath with veth ports and a VXLAN port.
enum KernelTestRig {
    static let shouldRun = ProcessInfo.processInfo.environment["VTEPKDP_REQUIRE_KERNEL"] == "1" || OVSFamilies.kernelHasDatapath

    @discardableResult
    static func sh(_ command: String) throws -> String {
        let result = try ChildProcess.run("/bin/sh", ["-c", command + " 2>&1"])
        guard result.status == 0 else { throw RigError("\(command) failed: \(result.output)") }
        return result.output
    }

    /// A fresh datapath `name` with one netdev vport per veth in `ports`
    /// (created here) and a VXLAN port on `vxlanPort`. `cleanUp` removes it all.
    final class ScratchDatapath {
        let connection: DatapathConnection
        let datapath: Datapath
        let ports: [Vport]
        let vxlan: Vport?
        private let portNames: [String]
        private let vxlanPort: UInt16

        /// With `attach: false` the veths exist but the datapath is empty,
        /// for code that is to add the ports itself.
        init(_ name: String, ports portNames: [String], vxlanPort: UInt16, attach: Bool = true) throws {
            self.portNames = portNames
            self.vxlanPort = vxlanPort
            _ = try? sh("ovs-dpctl del-dp \(name)")
            for port in portNames {
                _ = try? sh("ip link del \(port)")
                try sh("ip link add \(port) type veth peer name \(port)p && ip link set \(port) up && ip link set \(port)p up")
            }
            let connection = try DatapathConnection()
            let datapath = try connection.createDatapath(name: name)
            ports = attach ? try portNames.map { try connection.addVport(to: datapath, name: $0, spec: .netdev) } : []
            vxlan = attach ? try connection.addVXLANPort(to: datapath, destinationPort: vxlanPort).vport : nil
            self.connection = connection
            self.datapath = datapath
        }

        deinit {
            if let vxlan { try? connection.deleteVXLANPort(vxlan) }
            _ = try? sh("ovs-dpctl del-dp \(datapath.name)")
            _ = try? sh("ip link del \(VXLANDevice.name(forPort: vxlanPort))")
            for port in portNames { _ = try? sh("ip link del \(port)") }
        }
    }
}

extension OVSDBServerRig {
    /// The seed scenario's vtep-ctl commands (seed-scenario.md), with the
    /// given port names standing for p0 and p1.
    func applySeedScenario(p0: String = "p0", p1: String = "p1") throws {
        try vtepctl("add-ps", "br0")
        try vtepctl("set", "Physical_Switch", "br0", "tunnel_ips=10.2.2.1")
        try vtepctl("add-port", "br0", p0)
        try vtepctl("add-port", "br0", p1)
        try vtepctl("add-ls", "ls0")
        try vtepctl("bind-ls", "br0", p0, "0", "ls0")
        try vtepctl("set", "Logical_Switch", "ls0", "tunnel_key=33")
        try vtepctl("add-mcast-remote", "ls0", "unknown-dst", "10.2.2.2")
        try vtepctl("add-ucast-remote", "ls0", "00:11:22:33:44:55", "10.2.2.3")
    }
}
