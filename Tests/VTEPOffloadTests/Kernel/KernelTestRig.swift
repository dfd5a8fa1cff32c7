import Foundation
import OVSDatapathNL
import TestSupport
import Testing

@testable import OVSDatapathCore
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
            _ = try? sh("ip link del \(VXLANNaming.name(forPort: vxlanPort))")
            for port in portNames { _ = try? sh("ip link del \(port)") }
        }
    }
}
