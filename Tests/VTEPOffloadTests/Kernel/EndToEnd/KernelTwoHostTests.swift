import Foundation
import TestSupport
import Testing

@testable import VTEPOffload

/// Two vtep-kdp hosts, each a network namespace with its own datapath,
/// ovsdb-server and VM, joined by an underlay link. The test plays the
/// NVC: at first only unknown-dst points at the other host (traffic finds
/// its way by flooding), then it copies each host's learned MACs into the
/// other's Ucast_Macs_Remote, and the flood flows give way to unicast ones.
extension KernelVTEPSuites {
    @Suite struct KernelTwoHostTests {
        final class Host {
            let name: String, ip: String, vmMAC: String, vmIP: String
            let db: OVSDBServerRig
            var daemon: ChildProcess?
            var logPath: String { db.directory + "/vtep-kdp.log" }

            init(_ name: String, ip: String, vmMAC: String, vmIP: String) throws {
                (self.name, self.ip, self.vmMAC, self.vmIP) = (name, ip, vmMAC, vmIP)
                db = try OVSDBServerRig()
                _ = try? KernelTestRig.sh("ip netns del \(name); ip netns del \(name)-vm")
                try KernelTestRig.sh(
                    """
                    ip netns add \(name) && ip -n \(name) link set lo up && ip netns add \(name)-vm && \
                    ip -n \(name) link add p0 type veth peer name eth0 netns \(name)-vm && ip -n \(name) link set p0 up && \
                    ip -n \(name)-vm link set eth0 address \(vmMAC) up && ip -n \(name)-vm addr add \(vmIP)/24 dev eth0
                    """)
            }

            func configure(peer: Host) throws {
                for command in [
                    ["add-ps", "br0"], ["set", "Physical_Switch", "br0", "tunnel_ips=\(ip)"], ["add-port", "br0", "p0"],
                    ["add-ls", "ls0"], ["bind-ls", "br0", "p0", "0", "ls0"], ["set", "Logical_Switch", "ls0", "tunnel_key=33"],
                    ["add-mcast-remote", "ls0", "unknown-dst", peer.ip],
                ] {
                    try db.vtepctl(command)
                }
            }

            func start() throws {
                daemon = try ChildProcess(
                    "/bin/sh",
                    ["-c", "exec ip netns exec \(name) \(EndToEndRig.binary) --db unix:\(db.socketPath) --log-file \(logPath) -v br0"])
                try wait(for: "\(name)'s first pass") { self.log.contains(" kernel: ") }
            }

            var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
            func flows() throws -> String { try KernelTestRig.sh("ip netns exec \(name) ovs-dpctl dump-flows ovs-system") }
            func ping(_ address: String) throws -> String {
                try KernelTestRig.sh("ip netns exec \(name)-vm ping -c 3 -i 0.2 -w 20 \(address)")
            }

            func wait(for what: String, timeout: Double = 30, _ condition: () throws -> Bool) throws {
                let deadline = Date().addingTimeInterval(timeout)
                while try !condition() {
                    guard Date() < deadline else { throw RigError("timed out waiting for \(what); log: \(log.suffix(1500))") }
                    Thread.sleep(forTimeInterval: 0.05)
                }
            }

            deinit {
                daemon?.terminate(signal: SIGKILL)
                _ = try? KernelTestRig.sh("ip netns del \(name)-vm; ip netns del \(name)")
            }
        }

        @Test func twoVtepKdpHostsCarryTrafficByFloodingThenByTheirOwnUnicastFlows() throws {
            let a = try Host("hosta", ip: "10.30.0.1", vmMAC: "aa:00:00:00:0a:01", vmIP: "192.168.50.1")
            let b = try Host("hostb", ip: "10.30.0.2", vmMAC: "aa:00:00:00:0b:02", vmIP: "192.168.50.2")
            try KernelTestRig.sh(
                """
                ip -n hosta link add ul0 type veth peer name ul0 netns hostb && \
                ip -n hosta addr add 10.30.0.1/24 dev ul0 && ip -n hosta link set ul0 up && \
                ip -n hostb addr add 10.30.0.2/24 dev ul0 && ip -n hostb link set ul0 up
                """)
            try a.configure(peer: b)
            try b.configure(peer: a)
            try a.start()
            try b.start()

            // No remote MACs yet: ARP and the replies find their way by flooding (unknown-dst).
            #expect(try a.ping(b.vmIP).contains("3 received"))
            try a.wait(for: "both learned") {
                try a.db.vtepctl("list-local-macs", "ls0").contains(a.vmMAC) && b.db.vtepctl("list-local-macs", "ls0").contains(b.vmMAC)
            }
            #expect(try b.flows().contains("in_port(1),eth(dst=\(a.vmMAC))"), "B floods the unknown \(a.vmMAC)")

            // The NVC's part: each host's local MACs become the other's remote MACs.
            try a.db.vtepctl("add-ucast-remote", "ls0", b.vmMAC, b.ip)
            try b.db.vtepctl("add-ucast-remote", "ls0", a.vmMAC, a.ip)
            try b.wait(for: "B's unicast flow to A") {
                let flows = try b.flows()
                return flows.contains("eth(dst=\(a.vmMAC)), packets") && flows.contains("dst=\(a.ip)")
                    && !flows.contains("in_port(1),eth(dst=\(a.vmMAC))")
            }
            #expect(try b.ping(a.vmIP).contains("3 received"))
            let unicast = try a.flows().split(separator: "\n").first { $0.contains("eth(dst=\(b.vmMAC))") && $0.contains("dst=\(b.ip)") }
            #expect(unicast != nil && unicast?.contains("packets:0,") == false, "A → B unicast flow: \(String(describing: unicast))")
        }
    }
}
