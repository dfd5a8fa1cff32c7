import Foundation
import TestSupport
import Testing

@testable import VTEPOffload

/// The reference layout made of real parts, for end-to-end tests in the
/// VM: "VMs" as network namespaces behind veth ports, an underlay
/// namespace with Linux bridge + vxlan devices as remote VTEPs, a real
/// ovsdb-server, and the real `vtep-kdp` executable as a child process.
///
///     vm1 ── p0 ┐                      ┌ vxlan VNI 33 ── bridge ── vm3 (00:11:22:33:44:55)
///     vm2 ── p1 ┤ datapath ── ul0 ═══ underlay (10.N.0.2, .3, .4)
///               └ vxlan_sys_PORT   10.N.0.1
final class EndToEndRig {
    let prefix: String
    let datapath: String
    let vxlanPort: UInt16
    let db: OVSDBServerRig
    let logPath: String
    private(set) var daemon: ChildProcess?
    private var namespaces: [String] = []
    private var rootLinks: [String] = []
    private var backgrounds: [ChildProcess] = []

    /// The underlay subnet, "10.N.0", distinct per rig: rigs of suites
    /// running side by side share the VM's root namespace and its routes.
    let subnet: String
    var localIP: String { "\(subnet).1" }
    /// Underlay address `host` (2, 3, 4 are the remote VTEPs').
    func underlayIP(_ host: Int) -> String { "\(subnet).\(host)" }
    /// The executable built with these tests: the kernel suite runs them
    /// optimised (scripts/test-all.sh), as vtep-kdp ships.
    static var binary: String { VTEPKDPBinary.path }

    func ns(_ name: String) -> String { "\(prefix)-\(name)" }
    func port(_ name: String) -> String { "\(prefix)\(name)" }

    init(prefix: String, vxlanPort: UInt16, subnet: Int) throws {
        self.prefix = prefix
        self.subnet = "10.\(subnet).0"
        self.datapath = "\(prefix)-dp"
        self.vxlanPort = vxlanPort
        db = try OVSDBServerRig()
        logPath = db.directory + "/vtep-kdp.log"
        cleanUp()
        // VMs behind p0 and p1.
        for (index, vm) in ["vm1", "vm2"].enumerated() {
            try addNamespace(ns(vm))
            let link = port("p\(index)")
            try sh("ip link add \(link) type veth peer name eth0 netns \(ns(vm)) && ip link set \(link) up")
            rootLinks.append(link)
            try sh(
                "ip -n \(ns(vm)) link set eth0 address aa:00:00:00:00:0\(index + 1) up && ip -n \(ns(vm)) addr add 192.168.100.\(index + 1)/24 dev eth0"
            )
        }
        // The underlay.
        try addNamespace(ns("ul"))
        let uplink = port("ul0")
        try sh(
            "ip link add \(uplink) type veth peer name eth0 netns \(ns("ul")) && ip addr add \(localIP)/24 dev \(uplink) && ip link set \(uplink) up"
        )
        rootLinks.append(uplink)
        try sh("ip -n \(ns("ul")) link set eth0 up && for a in 2 3 4; do ip -n \(ns("ul")) addr add \(self.subnet).$a/24 dev eth0; done")
    }

    deinit {
        stopDaemon(signal: SIGKILL)
        // Keep the daemon's log beside the test results (the VM's /tmp goes with it).
        if let results = ProcessInfo.processInfo.environment["VTEPKDP_RESULTS"] {
            _ = try? sh(
                "cp \(logPath) \(results)/\(prefix)-vtep-kdp.log; ovs-dpctl dump-flows \(datapath) > \(results)/\(prefix)-flows.txt")
        }
        for process in backgrounds { process.terminate(signal: SIGKILL) }
        cleanUp()
    }

    private func cleanUp() {
        _ = try? sh("ovs-dpctl del-dp \(datapath)")
        _ = try? sh("ip link del vxlan_sys_\(vxlanPort)")
        for link in ["p0", "p1", "ul0"] { _ = try? sh("ip link del \(port(link))") }
        for name in ["vm1", "vm2", "vm3", "vm4", "ul"] { _ = try? sh("ip netns del \(ns(name))") }
        for name in namespaces { _ = try? sh("ip netns del \(name)") }
    }

    /// A namespace with IPv6 off, so its interfaces send only what a test makes them send.
    func addNamespace(_ name: String) throws {
        _ = try? sh("ip netns del \(name)")
        try sh(
            "ip netns add \(name) && ip -n \(name) link set lo up && ip netns exec \(name) sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1"
        )
        namespaces.append(name)
    }

    @discardableResult
    func sh(_ command: String) throws -> String { try KernelTestRig.sh(command) }

    /// A Linux VTEP in the underlay: a bridge with a vxlan device for `vni`
    /// at `ip`, and a namespace `vm` with `mac`/`address` on it. Static fdb
    /// entries send BUM (all-zeros entry) and `localMACs` to vtep-kdp.
    func addLinuxVTEP(vni: UInt32, ip: String, vm: String, mac: String, address: String, localMACs: [String]) throws {
        let ul = ns("ul")
        try addNamespace(ns(vm))
        try sh(
            """
            ip -n \(ul) link add vx\(vni) type vxlan id \(vni) local \(ip) dstport \(vxlanPort) nolearning && \
            ip -n \(ul) link add br\(vni) type bridge && ip -n \(ul) link set vx\(vni) master br\(vni) && \
            ip -n \(ul) link add \(vm) type veth peer name eth0 netns \(ns(vm)) && ip -n \(ul) link set \(vm) master br\(vni) && \
            ip -n \(ul) link set \(vm) up && ip -n \(ul) link set vx\(vni) up && ip -n \(ul) link set br\(vni) up && \
            ip -n \(ns(vm)) link set eth0 address \(mac) up && ip -n \(ns(vm)) addr add \(address) dev eth0 && \
            ip netns exec \(ul) bridge fdb append 00:00:00:00:00:00 dev vx\(vni) dst \(localIP)
            """)
        for local in localMACs { try sh("ip netns exec \(ul) bridge fdb append \(local) dev vx\(vni) dst \(localIP)") }
    }

    /// A rogue underlay host: a Linux VTEP for `vni` at `.host`, an address
    /// the database does not name, with namespace `vm` behind it; returns
    /// its IP. It shares the underlay namespace with the named VTEPs, and
    /// the kernel allows one vxlan device per VNI and UDP port there, so it
    /// listens on the next port and sends to ours (our replies never reach it).
    func addRogueVTEP(vni: UInt32, host: Int, vm: String, mac: String, address: String) throws -> String {
        let ip = underlayIP(host)
        let (ul, rogue) = (ns("ul"), ns(vm))
        try addNamespace(rogue)
        try sh(
            """
            ip -n \(ul) addr add \(ip)/24 dev eth0 && \
            ip -n \(ul) link add vxr\(vni) type vxlan id \(vni) local \(ip) dstport \(vxlanPort + 1) nolearning && \
            ip -n \(ul) link add brr\(vni) type bridge && ip -n \(ul) link set vxr\(vni) master brr\(vni) && \
            ip -n \(ul) link add \(vm) type veth peer name eth0 netns \(rogue) && ip -n \(ul) link set \(vm) master brr\(vni) && \
            ip -n \(ul) link set \(vm) up && ip -n \(ul) link set vxr\(vni) up && ip -n \(ul) link set brr\(vni) up && \
            ip -n \(rogue) link set eth0 address \(mac) up && ip -n \(rogue) addr add \(address) dev eth0 && \
            ip netns exec \(ul) bridge fdb append 00:00:00:00:00:00 dev vxr\(vni) dst \(localIP) port \(vxlanPort)
            """)
        return ip
    }

    /// The common start: VM3 (00:11:22:33:44:55) behind a Linux VTEP at
    /// .3, which is also the unknown-dst service node, and the seed scenario.
    static func seededWithLinuxVTEP(prefix: String, vxlanPort: UInt16, subnet: Int) throws -> EndToEndRig {
        let rig = try EndToEndRig(prefix: prefix, vxlanPort: vxlanPort, subnet: subnet)
        try rig.addLinuxVTEP(
            vni: 33, ip: rig.underlayIP(3), vm: "vm3", mac: "00:11:22:33:44:55", address: "192.168.100.55/24",
            localMACs: ["aa:00:00:00:00:01"])
        try rig.applySeedScenario(unknownDst: [rig.underlayIP(3)])
        return rig
    }

    /// The seed scenario's vtep-ctl commands, with our port names and
    /// addresses, and the given unknown-dst members.
    func applySeedScenario(unknownDst: [String]) throws {
        try db.vtepctl("add-ps", "br0")
        try db.vtepctl("set", "Physical_Switch", "br0", "tunnel_ips=\(localIP)")
        try db.vtepctl("add-port", "br0", port("p0"))
        try db.vtepctl("add-port", "br0", port("p1"))
        try db.vtepctl("add-ls", "ls0")
        try db.vtepctl("bind-ls", "br0", port("p0"), "0", "ls0")
        try db.vtepctl("set", "Logical_Switch", "ls0", "tunnel_key=33")
        for ip in unknownDst { try db.vtepctl("add-mcast-remote", "ls0", "unknown-dst", ip) }
        try db.vtepctl("add-ucast-remote", "ls0", "00:11:22:33:44:55", underlayIP(3))
    }

    /// Starts `vtep-kdp … br0` on the rig's database (or `remote`) and
    /// waits for its first pass, unless told not to.
    func startDaemon(extra: [String] = [], remote: String? = nil, waitForPass: Bool = true) throws {
        let passesBefore = passCount()
        daemon = try ChildProcess(
            Self.binary,
            [
                "--db", remote ?? "unix:\(db.socketPath)", "--datapath", datapath, "--vxlan-port", String(vxlanPort),
                "--log-file", logPath, "-v",
            ] + extra + ["br0"])
        guard waitForPass else { return }
        try waitFor("vtep-kdp's first pass", timeout: 60) { self.passCount() > passesBefore }
    }

    /// Stops (SIGSTOP) or continues (SIGCONT) the daemon without ending it:
    /// the kernel goes on queueing its upcalls meanwhile.
    func signalDaemon(_ signal: Int32) {
        if let daemon { kill(daemon.pid, signal) }
    }

    /// The daemon's resident set, in KiB (0 when it is not running).
    var daemonResidentKiB: Int {
        guard let pid = daemon?.pid else { return 0 }
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    /// Whether the daemon is still running.
    var daemonIsAlive: Bool { daemon.map { kill($0.pid, 0) == 0 } ?? false }

    func stopDaemon(signal: Int32 = SIGTERM) {
        daemon?.terminate(signal: signal)
        daemon = nil
    }

    /// Lines of the daemon's log.
    func log() -> [String] {
        ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Passes logged so far ("kernel: …" lines).
    func passCount() -> Int { log().filter { $0.contains(" kernel: ") }.count }

    /// The last pass's report, e.g. "0 added, 0 modified, 0 deleted (9 flows for 1 bindings)".
    func lastPass() -> String? { log().last { $0.contains(" kernel: ") }.map { String($0[$0.range(of: " kernel: ")!.upperBound...]) } }

    /// `ovs-dpctl show`'s flow count.
    func kernelFlowCount() throws -> Int {
        let shown = try sh("ovs-dpctl show \(datapath)")
        guard let line = shown.split(separator: "\n").first(where: { $0.contains("flows:") }),
            let count = Int(line.split(separator: ":").last!.trimmingCharacters(in: .whitespaces))
        else { throw RigError("no flow count in \(shown)") }
        return count
    }

    func dumpFlows() throws -> String { try sh("ovs-dpctl dump-flows \(datapath)") }

    /// Runs `command` in namespace `vm`.
    @discardableResult
    func exec(_ vm: String, _ command: String) throws -> String { try sh("ip netns exec \(ns(vm)) \(command)") }

    /// Sends `count` broadcast frames (EtherType 0x88b5, for local
    /// experiments) from `source` out of `vm`'s eth0, `gap` seconds apart:
    /// a sender as fast and as exact as a test needs, which iputils'
    /// arping (whole-second intervals) is not.
    func sendBroadcasts(from vm: String, source: String, count: Int, gap: Double = 0.02) throws {
        let mac = source.split(separator: ":").map { "0x\($0)" }.joined(separator: ",")
        try exec(
            vm,
            """
            python3 -c 'import socket,time
            s=socket.socket(socket.AF_PACKET,socket.SOCK_RAW);s.bind(("eth0",0))
            for i in range(\(count)):
                s.send(b"\\xff"*6+bytes([\(mac)])+b"\\x88\\xb5"+bytes(46));time.sleep(\(gap))'
            """)
    }

    /// tcpdump in namespace `where` on `interface`, writing text to a file
    /// until `stop()`; started as a process of ours (see kernel-facts.md).
    final class Capture {
        let path: String
        let process: ChildProcess
        init(_ rig: EndToEndRig, in namespace: String, interface: String, filter: String) throws {
            path = rig.db.directory + "/capture-\(UUID().uuidString.prefix(6)).txt"
            process = try ChildProcess(
                "/bin/sh", ["-c", "exec ip netns exec \(rig.ns(namespace)) tcpdump -l -nei \(interface) \(filter) > \(path) 2>&1"])
            try rig.waitFor("tcpdump to listen", timeout: 20) { self.text.contains("listening") }
        }
        var text: String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        /// Captured packets, one string each: a VXLAN packet's outer line
        /// and its inner frame's line joined with " | ".
        var packets: [String] {
            var result: [String] = []
            for line in text.split(separator: "\n").map(String.init) {
                if line.hasPrefix("tcpdump:") || line.contains("listening on") || line.contains("packets captured")
                    || line.contains("received by filter")
                    || line.contains("dropped by kernel")
                {
                    continue
                }
                let isTimestamped =
                    line.count > 9 && line.prefix(8).allSatisfy { $0.isNumber || $0 == ":" } && line.dropFirst(8).first == "."
                if isTimestamped || result.isEmpty { result.append(line) } else { result[result.count - 1] += " | " + line }
            }
            return result
        }
        func stop() -> [String] {
            Thread.sleep(forTimeInterval: 0.5)
            process.terminate(signal: SIGINT)
            return packets
        }
    }

    /// Pings `address` from `vm` `count` times, 10 ms apart, running
    /// `meanwhile` a second after the first; returns ping's summary line
    /// (`N packets transmitted, M received, …`).
    func pingSummary(from vm: String, to address: String, count: Int, meanwhile: () throws -> Void) throws -> String {
        let output = db.directory + "/ping-\(UUID().uuidString.prefix(6)).txt"
        let ping = try ChildProcess(
            "/bin/sh", ["-c", "exec ip netns exec \(ns(vm)) ping -c \(count) -i 0.01 -W 1 \(address) > \(output) 2>&1"])
        defer { ping.terminate() }
        Thread.sleep(forTimeInterval: 1)
        try meanwhile()
        func summary() -> String? {
            ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").split(separator: "\n").first {
                $0.contains("packets transmitted")
            }
            .map(String.init)
        }
        try waitFor("the ping to finish", timeout: 60) { summary() != nil }
        return summary() ?? ""
    }

    func waitFor(_ what: String, timeout: Double, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while try !condition() {
            guard Date() < deadline else {
                throw RigError("timed out after \(timeout) s waiting for \(what); log tail: \(log().suffix(8).joined(separator: "\n"))")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }
}
