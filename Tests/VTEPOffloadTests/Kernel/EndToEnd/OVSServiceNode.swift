import Foundation
import TestSupport

/// A service node played by Open vSwitch itself, a BFD implementation
/// nobody here wrote: ovsdb-server and ovs-vswitchd in a namespace of
/// their own, reached from the root namespace over a veth pair (subnet
/// 10.N.index.0/24), with a bridge whose VXLAN port points at vtep-kdp's
/// tunnel IP and runs OVS's BFD.
final class OVSServiceNode {
    let rig: EndToEndRig
    let name: String
    /// The node's underlay address (the locator the VTEP database names).
    let ip: String
    /// The root namespace's end of the veth pair: down cuts the node off.
    let link: String
    let directory: String
    var namespace: String { rig.ns(name) }
    var bridge: String { "\(rig.prefix)\(name)br" }

    init(_ rig: EndToEndRig, index: Int, bfd: [String: String]) throws {
        self.rig = rig
        name = "sn\(index)"
        let subnet = rig.subnet.split(separator: ".").prefix(2).joined(separator: ".") + ".\(index)"
        ip = "\(subnet).2"
        link = rig.port("s\(index)")
        directory = rig.db.directory + "/\(name)"
        try rig.addNamespace(rig.ns(name))
        _ = try? rig.sh("ip link del \(link)")
        let bfdSettings = bfd.sorted { $0.key < $1.key }.map { "bfd:\($0.key)=\($0.value)" }.joined(separator: " ")
        try rig.sh(
            """
            ip link add \(link) type veth peer name eth0 netns \(namespace) && ip addr add \(subnet).1/24 dev \(link) && \
            ip link set \(link) up && ip -n \(namespace) link set eth0 up && ip -n \(namespace) addr add \(ip)/24 dev eth0 && \
            ip -n \(namespace) route add default via \(subnet).1 && \
            mkdir -p \(directory) && ovsdb-tool create \(directory)/conf.db /usr/share/openvswitch/vswitch.ovsschema && \
            timeout 60 ovsdb-server \(directory)/conf.db --remote=punix:\(directory)/db.sock --pidfile=\(directory)/ovsdb.pid \
              --unixctl=\(directory)/ovsdb.ctl --log-file=\(directory)/ovsdb.log --detach </dev/null >/dev/null 2>&1 && \
            timeout 60 ip netns exec \(namespace) ovs-vswitchd unix:\(directory)/db.sock --pidfile=\(directory)/vswitchd.pid \
              --unixctl=\(directory)/vswitchd.ctl --log-file=\(directory)/vswitchd.log --detach </dev/null >/dev/null 2>&1 && \
            ovs-vsctl --db=unix:\(directory)/db.sock --timeout=30 add-br \(bridge) -- add-port \(bridge) vx -- set interface vx \
              type=vxlan options:remote_ip=\(rig.localIP) options:key=flow options:dst_port=\(rig.vxlanPort) \(bfdSettings)
            """)
    }

    deinit { stop() }

    func stop() {
        _ = try? rig.sh(
            "kill $(cat \(directory)/vswitchd.pid) $(cat \(directory)/ovsdb.pid) 2>/dev/null; ip link del \(link) 2>/dev/null; true")
    }

    /// OVS's own account of its BFD session (`ovs-appctl bfd/show`).
    func bfdShow() throws -> String { try rig.sh("ovs-appctl -t \(directory)/vswitchd.ctl bfd/show vx") }

    /// A key of its VXLAN port's `bfd_status` as ovs-vswitchd writes it.
    func bfdStatus(_ key: String) throws -> String {
        try rig.sh("ovs-vsctl --db=unix:\(directory)/db.sock --if-exists get interface vx bfd_status:\(key)")
            .trimmingCharacters(in: CharacterSet(charactersIn: "\"\n "))
    }

    /// Cuts the node off the underlay (true) or brings it back (false).
    func setCut(_ cut: Bool) throws { try rig.sh("ip link set \(link) \(cut ? "down" : "up")") }

    /// tcpdump on the node's underlay link for VXLAN with `vni` carrying
    /// EtherType 0x88b5 (what `sendBroadcasts` sends), epoch timestamps.
    func captureBroadcasts(vni: UInt32) throws -> EndToEndRig.Capture {
        let header = String(format: "0x%08x", vni << 8)
        return try EndToEndRig.Capture(
            rig, in: name, interface: "eth0",
            filter: "-tt 'udp dst port \(rig.vxlanPort) and udp[12:4] = \(header) and udp[28:2] = 0x88b5'")
    }
}

extension EndToEndRig.Capture {
    /// Epoch times of the captured packets (a capture started with `-tt`;
    /// tcpdump's own lines, such as "20 packets captured", are no packets).
    var epochTimes: [Double] {
        text.split(separator: "\n").compactMap { line in
            guard line.contains(": UDP, length"), let first = line.split(separator: " ").first, first.contains(".") else { return nil }
            return Double(first)
        }
    }
}
