import Foundation
import TestSupport
import Testing

/// BFD with service nodes played by ovs-vswitchd (issue 22): both ends
/// come up, BUM leaves a service node BFD calls dead within the detection
/// time and does not come back when it recovers, a new min_tx is taken
/// without a drop, and enable=false ends the session.
extension KernelVTEPSuites {
    @Suite struct KernelBFDTests {
        static let fast = ["enable": "true", "min_rx": "100", "min_tx": "100"]

        /// The Tunnel row to `ip`, once the daemon has written it.
        static func tunnel(to ip: String, _ rig: EndToEndRig) throws -> String {
            var uuid = ""
            try rig.waitFor("the Tunnel row to \(ip)", timeout: 30) {
                let locator = try rig.db.vtepctl("--bare", "--columns=_uuid", "find", "Physical_Locator", "dst_ip=\(ip)")
                guard !locator.isEmpty else { return false }
                uuid = try rig.db.vtepctl("--bare", "--columns=_uuid", "find", "Tunnel", "remote=\(locator)")
                return !uuid.isEmpty
            }
            return uuid
        }

        /// What a controller does: BFD asked for on a Tunnel row, at `fast` (and `extra` bfd_params).
        static func askForBFD(on tunnel: String, _ rig: EndToEndRig, extra: [String] = []) throws {
            try rig.db.vtepctl(
                ["set", "Tunnel", tunnel] + fast.sorted { $0.key < $1.key }.map { "bfd_params:\($0.key)=\($0.value)" } + extra)
        }

        /// A rig whose one service node is ovs-vswitchd, BFD up with it; returns its Tunnel row too.
        static func oneServiceNode(prefix: String, vxlanPort: UInt16, subnet: Int, extra: [String] = []) throws -> (
            EndToEndRig, OVSServiceNode, String
        ) {
            let rig = try EndToEndRig(prefix: prefix, vxlanPort: vxlanPort, subnet: subnet)
            let node = try OVSServiceNode(rig, index: 1, bfd: fast)
            try rig.applySeedScenario(unknownDst: [node.ip])
            try rig.startDaemon()
            let row = try tunnel(to: node.ip, rig)
            try askForBFD(on: row, rig, extra: extra)
            try rig.waitFor("BFD up", timeout: 60) { try bfd(row, "state", rig) == "up" && node.bfdStatus("state") == "up" }
            return (rig, node, row)
        }

        static func bfd(_ tunnel: String, _ key: String, _ rig: EndToEndRig) throws -> String {
            try rig.db.vtepctl("--if-exists", "get", "Tunnel", tunnel, "bfd_status:\(key)").trimmingCharacters(
                in: CharacterSet(charactersIn: "\"\n "))
        }

        /// Broadcasts from VM1 every `gap` seconds, in the background.
        static func sender(_ rig: EndToEndRig, count: Int, gap: Double) throws -> ChildProcess {
            try ChildProcess(
                "/bin/sh",
                [
                    "-c",
                    """
                    exec ip netns exec \(rig.ns("vm1")) python3 -c 'import socket,time
                    s=socket.socket(socket.AF_PACKET,socket.SOCK_RAW);s.bind(("eth0",0))
                    for i in range(\(count)):
                        s.send(b"\\xff"*6+bytes([0xaa,0,0,0,0,1])+b"\\x88\\xb5"+bytes(46));time.sleep(\(gap))'
                    """,
                ])
        }

        @Test func ovsServiceNodesRunBFDWithUsAndBUMFailsOverWithoutFlapping() throws {
            let rig = try EndToEndRig(prefix: "ev", vxlanPort: 4808, subnet: 37)
            let sn1 = try OVSServiceNode(rig, index: 1, bfd: Self.fast)
            let sn2 = try OVSServiceNode(rig, index: 2, bfd: Self.fast)
            defer {
                sn1.stop()
                sn2.stop()
            }
            try rig.applySeedScenario(unknownDst: [sn1.ip, sn2.ip])
            try rig.startDaemon()
            // The controller's part: BFD on the service nodes' Tunnel rows.
            let t1 = try Self.tunnel(to: sn1.ip, rig), t2 = try Self.tunnel(to: sn2.ip, rig)
            for tunnel in [t1, t2] { try Self.askForBFD(on: tunnel, rig) }
            let started = Date()
            try rig.waitFor("BFD up on both Tunnel rows", timeout: 60) {
                try Self.bfd(t1, "state", rig) == "up" && Self.bfd(t2, "state", rig) == "up"
            }
            print("bfd: both sessions up \(String(format: "%.2f", Date().timeIntervalSince(started))) s after bfd_params:enable=true")
            for node in [sn1, sn2] {
                let shown = try node.bfdShow()
                #expect(shown.contains("Local Session State: up") && shown.contains("Remote Session State: up"), "\(shown)")
                #expect(try node.bfdStatus("forwarding") == "true")
            }
            try rig.waitFor("bfd_status to say the remote is up and forwarding", timeout: 10) {
                try Self.bfd(t1, "forwarding", rig) == "true" && Self.bfd(t1, "remote_state", rig) == "up"
            }
            let bfdFlow = try rig.dumpFlows().split(separator: "\n").first { $0.contains("tun_id=0x0,src=\(sn1.ip),dst=\(rig.localIP)") }
            #expect(bfdFlow?.contains("actions:userspace(") == true, "\(bfdFlow ?? "no BFD flow")")

            // BUM goes to the lowest service node.
            var c1 = try sn1.captureBroadcasts(vni: 33), c2 = try sn2.captureBroadcasts(vni: 33)
            try rig.sendBroadcasts(from: "vm1", source: "aa:00:00:00:00:01", count: 20)
            _ = (c1.stop(), c2.stop())
            #expect(c1.epochTimes.count >= 18 && c2.epochTimes.isEmpty, "sn1 \(c1.epochTimes.count), sn2 \(c2.epochTimes.count)")

            // sn1 cut off: BUM moves to sn2 within the detection time and a pass.
            c2 = try sn2.captureBroadcasts(vni: 33)
            let sending = try Self.sender(rig, count: 3000, gap: 0.01)  // until terminated
            Thread.sleep(forTimeInterval: 0.5)
            let cut = Date().timeIntervalSince1970
            try sn1.setCut(true)
            try rig.waitFor("sn1's bfd_status:forwarding=false", timeout: 20) { try Self.bfd(t1, "forwarding", rig) == "false" }
            try rig.waitFor("broadcasts at sn2", timeout: 20) { !c2.epochTimes.isEmpty }
            sending.terminate()
            _ = c2.stop()
            let failover = (c2.epochTimes.first ?? .infinity) - cut
            print(
                "bfd failover: the first broadcast reached sn2 \(Int(failover * 1000)) ms after sn1's link went down (detection time 300 ms, emulated VM)"
            )
            #expect(failover < 3, "BUM moved after \(failover) s")
            #expect(try Self.bfd(t1, "state", rig) == "down" && Self.bfd(t1, "diagnostic", rig) == "Control Detection Time Expired")

            // sn1 back: BFD comes up again and BUM stays on sn2.
            try sn1.setCut(false)
            try rig.waitFor("BFD up again with sn1", timeout: 60) { try Self.bfd(t1, "state", rig) == "up" }
            Thread.sleep(forTimeInterval: 1)
            (c1, c2) = (try sn1.captureBroadcasts(vni: 33), try sn2.captureBroadcasts(vni: 33))
            try rig.sendBroadcasts(from: "vm1", source: "aa:00:00:00:00:01", count: 20)
            _ = (c1.stop(), c2.stop())
            #expect(
                c1.epochTimes.isEmpty && c2.epochTimes.count >= 18, "after recovery: sn1 \(c1.epochTimes.count), sn2 \(c2.epochTimes.count)"
            )
            #expect(try Self.bfd(t2, "flap_count", rig) == "0", "sn2's session never dropped")

            // A restart keeps BUM on sn2: the choice is read back from the kernel's flood flow.
            let upsBefore = rig.log().filter { $0.contains("bfd: \(sn2.ip): ") && $0.contains("→ up") }.count
            rig.stopDaemon()
            try rig.startDaemon()
            (c1, c2) = (try sn1.captureBroadcasts(vni: 33), try sn2.captureBroadcasts(vni: 33))
            try rig.sendBroadcasts(from: "vm1", source: "aa:00:00:00:00:01", count: 20)
            _ = (c1.stop(), c2.stop())
            #expect(
                c1.epochTimes.isEmpty && c2.epochTimes.count >= 18,
                "after a restart: sn1 \(c1.epochTimes.count), sn2 \(c2.epochTimes.count)")
            try rig.waitFor("BFD up again after the restart", timeout: 60) {
                let ups = rig.log().filter { $0.contains("bfd: \(sn2.ip): ") && $0.contains("→ up") }.count
                return try ups > upsBefore && sn2.bfdStatus("state") == "up"
            }
            Thread.sleep(forTimeInterval: 1)

            // A new min_tx: taken with a poll sequence, no drop on either side.
            let ovsFlaps = try sn2.bfdStatus("flap_count")
            try rig.db.vtepctl("set", "Tunnel", t2, "bfd_params:min_tx=300")
            try rig.waitFor("sn2 to see min_tx 300 ms", timeout: 20) { try sn2.bfdShow().contains("Remote Minimum TX Interval: 300ms") }
            Thread.sleep(forTimeInterval: 1)
            #expect(try Self.bfd(t2, "state", rig) == "up" && Self.bfd(t2, "flap_count", rig) == "0")
            #expect(try sn2.bfdStatus("flap_count") == ovsFlaps && sn2.bfdStatus("state") == "up")
            #expect(rig.log().contains { $0.contains("bfd: \(sn2.ip): up → ") } == false)

            // enable=false: the session, its flow and its status go.
            try rig.db.vtepctl("set", "Tunnel", t2, "bfd_params:enable=false")
            try rig.waitFor("sn2's bfd_status to say disabled", timeout: 20) {
                try Self.bfd(t2, "enabled", rig) == "false" && Self.bfd(t2, "state", rig).isEmpty
            }
            // ovs-vswitchd goes on sending: its key-0 frames are dropped in the kernel now.
            try rig.waitFor("sn2's BFD flow to become a drop", timeout: 20) {
                try rig.dumpFlows().split(separator: "\n").contains {
                    $0.contains("tun_id=0x0,src=\(sn2.ip),dst=\(rig.localIP)") && $0.hasSuffix("actions:drop")
                }
            }
            #expect(try Self.bfd(t1, "state", rig) == "up")
        }

        /// OVS's traffic-aware settings: with forwarding_if_rx a path whose
        /// BFD stopped still forwards while data arrives from it; with
        /// decay_min_rx a session without data asks for BFD less often, and
        /// data brings the fast rate back — each change by a poll sequence
        /// that ovs-vswitchd follows.
        @Test func forwardingIfRxAndDecayMinRxFollowTheRemotesData() throws {
            let (rig, sn1, t1) = try Self.oneServiceNode(
                prefix: "ex", vxlanPort: 4810, subnet: 39, extra: ["bfd_params:forwarding_if_rx=true"])
            defer { sn1.stop() }
            /// VXLAN of VNI 33 from the service node, every 100 ms: data, not BFD.
            func data(seconds: Int) throws -> ChildProcess {
                try ChildProcess(
                    "/bin/sh",
                    [
                        "-c",
                        """
                        exec ip netns exec \(sn1.namespace) python3 -c 'import socket,time
                        s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)
                        for i in range(\(seconds * 10)):
                            s.sendto(b"\\x08\\0\\0\\0\\0\\0\\x21\\0"+b"\\xff"*6+bytes([2,0,0,0,0,9])+b"\\x88\\xb5"+bytes(46),("\(rig.localIP)",\(rig.vxlanPort)));time.sleep(0.1)'
                        """,
                    ])
            }

            // forwarding_if_rx: ovs-vswitchd stops BFD while data goes on.
            let sending = try data(seconds: 12)
            Thread.sleep(forTimeInterval: 1)
            try rig.sh("ovs-vsctl --db=unix:\(sn1.directory)/db.sock set interface vx bfd:enable=false")
            try rig.waitFor("the session to go down", timeout: 20) { try Self.bfd(t1, "state", rig) == "down" }
            #expect(try Self.bfd(t1, "forwarding", rig) == "true", "data still arrives: forwarding_if_rx keeps the path")
            sending.terminate()
            let stopped = Date()
            try rig.waitFor("forwarding to end with the data", timeout: 10) { try Self.bfd(t1, "forwarding", rig) == "false" }
            print(
                "bfd forwarding_if_rx: the path stopped forwarding \(String(format: "%.1f", Date().timeIntervalSince(stopped))) s after the data (OVS: max(detection, 2 s))"
            )

            // decay_min_rx: no data for 2 s asks the remote for BFD every 2 s; data brings 100 ms back.
            try rig.sh("ovs-vsctl --db=unix:\(sn1.directory)/db.sock set interface vx bfd:enable=true")
            try rig.db.vtepctl("set", "Tunnel", t1, "bfd_params:forwarding_if_rx=false", "bfd_params:decay_min_rx=2000")
            try rig.waitFor("BFD up again", timeout: 60) { try Self.bfd(t1, "state", rig) == "up" }
            try rig.waitFor("ovs-vswitchd to see min_rx 2000 ms", timeout: 20) {
                try sn1.bfdShow().contains("Remote Minimum RX Interval: 2000ms")
            }
            let more = try data(seconds: 8)
            defer { more.terminate() }
            try rig.waitFor("ovs-vswitchd to see min_rx 100 ms again", timeout: 10) {
                try sn1.bfdShow().contains("Remote Minimum RX Interval: 100ms")
            }
            #expect(try Self.bfd(t1, "state", rig) == "up" && sn1.bfdStatus("state") == "up", "decay went by poll, no drop")
        }
    }
}
