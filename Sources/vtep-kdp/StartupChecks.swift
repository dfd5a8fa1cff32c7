import Foundation
import OVSDB
import OVSDatapathCore
import OVSDatapathNL

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
    /// sharing a datapath with it would silently break forwarding.
    static func refuseOVSVswitchd(datapath: String) throws {
        guard let pid = runningProcess(named: "ovs-vswitchd") else { return }
        throw Failure(
            description: """
                ovs-vswitchd (pid \(pid)) is running and manages the kernel datapaths; its revalidators would delete \
                the flows vtep-kdp installs in \(datapath). Stop it (or use a datapath it does not know, on a host \
                without it), or pass --allow-ovs-vswitchd if you are sure it leaves \(datapath) alone.
                """)
    }

    static func runningProcess(named name: String) -> Int32? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        for entry in entries {
            guard let pid = Int32(entry), pid != getpid(),
                let comm = try? String(contentsOfFile: "/proc/\(entry)/comm", encoding: .utf8)
            else { continue }
            if comm.trimmingCharacters(in: .whitespacesAndNewlines) == name { return pid }
        }
        return nil
    }
}
