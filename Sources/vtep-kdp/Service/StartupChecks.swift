import Foundation
import OVSDB
import OVSDatapathCore
import OVSDatapathNL
import VTEPOffload

#if canImport(Glibc)
import Glibc
#endif

/// The conditions vtep-kdp cannot run under, each with the one message
/// that tells the operator what to do.
enum StartupChecks {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The kernel must have the openvswitch module's generic netlink families.
    static func requireDatapathModule() throws {
        guard OVSFamilies.kernelHasDatapath else {
            throw Failure(
                description: "the openvswitch kernel module is not loaded (modprobe openvswitch; it is in Debian's linux-image packages)")
        }
    }

    /// A netlink permission error, said plainly.
    static func explain(_ error: NetlinkError, doing what: String) -> Error {
        if error.errno == EPERM || error.errno == EACCES {
            return Failure(description: "\(what): permission denied — vtep-kdp needs CAP_NET_ADMIN (run it as root)")
        }
        return Failure(description: "\(what): \(error)")
    }

    /// ovs-vswitchd's revalidators delete kernel flows they did not make:
    /// sharing a datapath with it would silently break forwarding. It
    /// serves one kernel datapath, `ovs-system`, in its own network
    /// namespace (datapaths are per namespace). So only an ovs-vswitchd in
    /// our namespace, with vtep-kdp asked for `ovs-system`, is refused; one
    /// serving another namespace (an OVN hypervisor beside us) is not.
    static func refuseOVSVswitchd(datapath: String) throws {
        guard
            let pid = OVSVswitchdConflict.conflicting(
                datapath: datapath, ourNamespace: networkNamespace(of: "self"),
                vswitchds: runningProcesses(named: "ovs-vswitchd").map { ($0, networkNamespace(of: String($0))) })
        else { return }
        throw Failure(
            description: """
                ovs-vswitchd (pid \(pid)) runs in this network namespace and serves its kernel datapath \(datapath); its \
                revalidators would delete the flows vtep-kdp installs there. Stop it, give vtep-kdp a datapath of its own \
                (--datapath vtep0), or pass --allow-ovs-vswitchd if you are sure it leaves \(datapath) alone.
                """)
    }

    /// The network namespace of process `pid` ("self" for ours), as the
    /// kernel names it (`net:[4026531840]`); nil when it cannot be read.
    static func networkNamespace(of pid: String) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/ns/net")
    }

    static func runningProcesses(named name: String) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { entry in
            guard let pid = Int32(entry), pid != getpid(),
                let comm = try? String(contentsOfFile: "/proc/\(entry)/comm", encoding: .utf8),
                comm.trimmingCharacters(in: .whitespacesAndNewlines) == name
            else { return nil }
            return pid
        }
    }
}
