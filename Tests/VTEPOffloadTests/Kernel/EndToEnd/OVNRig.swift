import Foundation
import TestSupport

/// A real OVN beside an `EndToEndRig`: the NB and SB databases and
/// ovn-northd; one hypervisor chassis — its own ovsdb-server, ovs-vswitchd
/// and ovn-controller — in the rig's underlay namespace, so its datapath
/// and its VXLAN port are its own; VIFs in namespaces of their own; and
/// ovn-controller-vtep pointed at the rig's VTEP database. Every daemon
/// runs detached from files under the rig's directory and is killed with it.
final class OVNRig {
    let rig: EndToEndRig
    /// Where the databases, sockets, pid files and logs are.
    let directory: String
    /// The chassis's tunnel endpoint, on the underlay namespace's eth0.
    let chassisIP: String
    private var pidFiles: [String] = []

    /// OVN's daemons keep their control sockets in OVN_RUNDIR; the VM's /var/run is read-only.
    private var environment: String { "OVN_RUNDIR=\(directory) OVN_LOGDIR=\(directory) OVS_RUNDIR=\(directory)" }

    init(_ rig: EndToEndRig) throws {
        self.rig = rig
        directory = rig.db.directory + "/ovn"
        chassisIP = rig.underlayIP(2)
        try rig.sh("mkdir -p \(directory)")
        // Central: NB, SB, northd.
        for name in ["nb", "sb"] {
            try rig.sh("ovsdb-tool create \(directory)/\(name).db /usr/share/ovn/ovn-\(name).ovsschema")
            try startDetached(
                "ovsdb-server \(directory)/\(name).db --remote=punix:\(directory)/\(name).sock --unixctl=\(directory)/\(name).ctl",
                name: "\(name)-ovsdb")
        }
        try startDetached(
            "ovn-northd --ovnnb-db=unix:\(directory)/nb.sock --ovnsb-db=unix:\(directory)/sb.sock --unixctl=\(directory)/northd.ctl",
            name: "northd")
        // The chassis: its own Open_vSwitch database, ovs-vswitchd and ovn-controller in the underlay namespace.
        try rig.sh("ovsdb-tool create \(directory)/conf.db /usr/share/openvswitch/vswitch.ovsschema")
        try startDetached(
            "ovsdb-server \(directory)/conf.db --remote=punix:\(directory)/conf.sock --unixctl=\(directory)/conf.ctl", name: "conf-ovsdb")
        try hvctl("--no-wait", "init")
        try startDetached(
            "ip netns exec \(rig.ns("ul")) ovs-vswitchd unix:\(directory)/conf.sock --unixctl=\(directory)/vswitchd.ctl", name: "vswitchd")
        try hvctl(
            "set", "Open_vSwitch", ".", "external_ids:system-id=hv1", "external_ids:ovn-remote=unix:\(directory)/sb.sock",
            "external_ids:ovn-encap-type=vxlan", "external_ids:ovn-encap-ip=\(chassisIP)")
        try startDetached("ip netns exec \(rig.ns("ul")) ovn-controller unix:\(directory)/conf.sock", name: "ovn-controller")
        try rig.waitFor("ovn-controller to make br-int", timeout: 60) { (try? self.hvctl("br-exists", "br-int")) != nil }
    }

    deinit {
        for pidFile in pidFiles.reversed() { _ = try? rig.sh("kill -9 $(cat \(pidFile)) 2>/dev/null; true") }
        // Keep the logs beside the test results (the VM's /tmp goes with it).
        if let results = ProcessInfo.processInfo.environment["VTEPKDP_RESULTS"] {
            _ = try? rig.sh("mkdir -p \(results)/ovn && cp \(directory)/*.log \(results)/ovn/")
        }
    }

    /// Starts one OVS-style daemon detached, with its pid file and log under `directory`.
    private func startDetached(_ command: String, name: String) throws {
        let pidFile = "\(directory)/\(name).pid"
        try rig.sh(
            "\(environment) timeout 60 \(command) --pidfile=\(pidFile) --log-file=\(directory)/\(name).log --detach </dev/null >/dev/null 2>&1"
        )
        pidFiles.append(pidFile)
    }

    /// Points ovn-controller-vtep at the VTEP database: from then on OVN is the controller.
    func startControllerVTEP() throws {
        try startDetached(
            "ovn-controller-vtep --vtep-db=unix:\(rig.db.socketPath) --ovnsb-db=unix:\(directory)/sb.sock", name: "ovn-controller-vtep")
    }

    @discardableResult
    func nbctl(_ arguments: String...) throws -> String { try ctl("ovn-nbctl --db=unix:\(directory)/nb.sock", arguments) }
    @discardableResult
    func sbctl(_ arguments: String...) throws -> String { try ctl("ovn-sbctl --db=unix:\(directory)/sb.sock", arguments) }
    @discardableResult
    func hvctl(_ arguments: String...) throws -> String { try ctl("ovs-vsctl --db=unix:\(directory)/conf.sock --timeout=30", arguments) }

    private func ctl(_ tool: String, _ arguments: [String]) throws -> String {
        let quoted = arguments.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        return try rig.sh("\(environment) \(tool) \(quoted)").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A VM on the chassis: namespace `vm` with `mac`/`address` on eth0,
    /// its other end on br-int as the VIF of logical port `vm`.
    func addVIF(_ vm: String, mac: String, address: String) throws {
        let namespace = rig.ns(vm), vif = "vif-\(vm)"
        try rig.addNamespace(namespace)
        try rig.sh(
            "ip link add \(vif) type veth peer name eth0 netns \(namespace) && ip link set \(vif) netns \(rig.ns("ul")) "
                + "&& ip -n \(rig.ns("ul")) link set \(vif) up && ip -n \(namespace) link set eth0 address \(mac) up "
                + "&& ip -n \(namespace) addr add \(address) dev eth0")
        try hvctl("add-port", "br-int", vif, "--", "set", "Interface", vif, "external_ids:iface-id=\(vm)")
    }

    /// A logical switch with a `vtep` port bound to our physical switch's
    /// logical switch of the same name.
    func addLogicalSwitch(_ name: String) throws {
        try nbctl("ls-add", name)
        try nbctl(
            "lsp-add", name, "\(name)-gw", "--", "lsp-set-type", "\(name)-gw", "vtep", "--", "lsp-set-options", "\(name)-gw",
            "vtep-physical-switch=br0", "vtep-logical-switch=\(name)", "--", "lsp-set-addresses", "\(name)-gw", "unknown")
    }

    /// A logical port for VM `vm` on `logicalSwitch`, with its MAC and IP.
    func addLogicalPort(_ vm: String, on logicalSwitch: String, mac: String, ip: String) throws {
        try nbctl("lsp-add", logicalSwitch, vm, "--", "lsp-set-addresses", vm, "\(mac) \(ip)")
    }
}
