import Glibc
import Testing

@testable import OVSDatapathCore
@testable import OVSDatapathNL

/// Upcalls and packet execution against the real module, with frames sent
/// and captured in network namespaces.
extension KernelSuites {
    @Suite struct KernelPacketTests {
        static let name = "kt-packets"
        static let senderMAC: [UInt8] = [0x02, 0, 0, 0, 0, 0xa1]

        let connection: DatapathConnection
        let listener: UpcallListener
        let datapath: Datapath

        init() throws {
            KernelRig.removeDatapath(Self.name)
            for index in 1...2 {
                _ = try KernelRig.sh("ip netns del kt-pn\(index); ip link del kt-p\(index)")
                try KernelRig.must(
                    """
                    ip netns add kt-pn\(index) && \
                    ip netns exec kt-pn\(index) sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 && \
                    ip link add kt-p\(index) type veth peer name eth0 netns kt-pn\(index) && \
                    sysctl -qw net.ipv6.conf.kt-p\(index).disable_ipv6=1 && ip link set kt-p\(index) up && \
                    ip -n kt-pn\(index) link set eth0 address 02:00:00:00:00:a\(index) up && \
                    ip -n kt-pn\(index) addr add 10.77.0.\(index)/24 dev eth0
                    """)
            }
            listener = try UpcallListener(handlers: 2)
            connection = try DatapathConnection()
            datapath = try connection.createDatapath(name: Self.name, upcalls: .perCPU(listener.perCPUPIDs))
            try connection.addVport(to: datapath, name: "kt-p1", spec: .netdev, portNumber: 1)
            try connection.addVport(to: datapath, name: "kt-p2", spec: .netdev, portNumber: 2)
        }

        /// An ARP request from the namespace behind port 1.
        func sendARP() throws {
            try KernelRig.must("ip netns exec kt-pn1 arping -c 1 -w 1 -I eth0 10.77.0.9 >/dev/null || true")
        }

        /// The next ARP upcall, skipping anything else the namespaces said.
        func nextARPUpcall() throws -> Upcall? {
            let deadline = MonotonicClock.nowMilliseconds() + 15_000
            while MonotonicClock.nowMilliseconds() < deadline {
                guard let upcall = try listener.receive(timeout: .seconds(1)) else { continue }
                if upcall.packet.count >= 14, upcall.packet[12] == 0x08, upcall.packet[13] == 0x06 { return upcall }
            }
            return nil
        }

        @Test("a frame with no flow arrives as a miss upcall with its port, key and bytes")
        func missUpcall() throws {
            try sendARP()
            let upcall = try #require(try nextARPUpcall())
            #expect(upcall.reason == .miss)
            #expect(upcall.inPort == 1)
            #expect(upcall.recirculationID == 0)
            #expect(upcall.datapathIfindex == datapath.ifindex)
            let ethernet = try #require(upcall.key[type: OVSKey.ethernet])
            #expect(Array(ethernet.bytes[0..<6]) == Self.senderMAC)
            #expect(upcall.key[type: OVSKey.ethertype]?.bytes == [0x08, 0x06])
            #expect(upcall.key[type: OVSKey.arp] != nil)
            #expect(upcall.packet.count == 42)
            #expect(Array(upcall.packet[6..<12]) == Self.senderMAC)
            #expect(Array(upcall.packet[0..<6]) == [0xff, 0xff, 0xff, 0xff, 0xff, 0xff])
            // The kernel counted it as a miss, not lost: someone was listening.
            let stats = try connection.datapath(named: Self.name).stats
            #expect(stats.misses >= 1 && stats.lost == 0)
        }

        @Test("a userspace() action delivers the packet with its cookie")
        func actionUpcall() throws {
            let parsed = try FlowParser.parseMatch("recirc_id(0),in_port(1),eth(src=02:00:00:00:00:a1)")
            let cookie: [UInt8] = [0xca, 0xfe, 0xf0, 0x0d]
            try connection.putFlow(
                Flow(
                    key: parsed.key, mask: parsed.mask,
                    actions: [.userspace(pid: listener.portIDs[0], userdata: cookie, egressTunnelPort: nil)],
                    ufid: FlowUFID(deriving: "userspace test")), in: datapath)
            try sendARP()
            let upcall = try #require(try nextARPUpcall())
            #expect(upcall.reason == .action(userdata: cookie))
            #expect(upcall.inPort == 1)
            try connection.flushFlows(in: datapath)
        }

        @Test("execute sends a frame out of a chosen port, seen by tcpdump behind it")
        func executeOutOfAPort() throws {
            let tcpdump = try KernelRig.Background(
                "ip netns exec kt-pn2 tcpdump -l -c 1 -nei eth0 -X ether proto 0x88b5", outputPath: "/tmp/kt-execute.txt")
            defer { tcpdump.stop() }
            // tcpdump takes seconds to attach under emulation; wait until it says so.
            try #require(tcpdump.wait(for: "listening", seconds: 60), "tcpdump did not start: \(tcpdump.output)")
            var frame: [UInt8] = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0xb0, 0x88, 0xb5]
            frame += Array("vtep-kdp execute test".utf8)
            frame += [UInt8](repeating: 0, count: max(0, 60 - frame.count))
            let metadata = [FlowKeyAttribute(type: OVSKey.inPort, bytes: withUnsafeBytes(of: UInt32(0)) { Array($0) })]
            try connection.execute(packet: frame, metadata: metadata, actions: [.output(port: 2)], in: datapath)
            tcpdump.wait(for: "vtep-kdp", seconds: 20)
            let seen = tcpdump.output
            #expect(seen.contains("02:00:00:00:00:b0 > ff:ff:ff:ff:ff:ff"), "\(seen)")
            #expect(seen.contains("0x88b5"))
            #expect(seen.contains("vtep-kdp"))
        }

        @Test("the receive thread streams upcalls to async code")
        func asyncStream() async throws {
            listener.start()
            // Stopping finishes the stream, which also ends the reading task.
            defer { listener.stop() }
            try sendARP()
            let stream = listener.upcalls
            let found = await withTaskGroup(of: Bool.self) { group in
                group.addTask {
                    for await result in stream {
                        if case .success(let upcall) = result, upcall.packet.count >= 14, upcall.packet[13] == 0x06 { return true }
                    }
                    return false
                }
                group.addTask {
                    try? await Task.sleep(for: .seconds(15))
                    return false
                }
                let first = await group.next() ?? false
                group.cancelAll()
                return first
            }
            #expect(found)
        }

        @Test("execute refuses an empty packet with a typed error")
        func executeEmpty() throws {
            let error = try #require(throws: NetlinkError.self) {
                try connection.execute(packet: [], metadata: [], actions: [.output(port: 2)], in: datapath)
            }
            guard case .invalidArgument = error.cause else { Issue.record("unexpected \(error)"); return }
        }
    }
}
