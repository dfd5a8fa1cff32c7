import Foundation
import TestSupport
import Testing

/// `--metrics-address` (issue 21, point 3): curl reads the Prometheus
/// endpoint while traffic flows and the database changes, and the counters
/// move as they should.
extension KernelVTEPSuites {
    @Suite struct KernelMetricsTests {
        /// One scrape: each sample line (`name{labels} value`) by its name and labels.
        static func scrape(_ rig: EndToEndRig, _ address: String) throws -> [String: Double] {
            var samples: [String: Double] = [:]
            for line in try rig.sh("curl -sSf http://\(address)/metrics").split(separator: "\n") where !line.hasPrefix("#") {
                guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
                samples[String(line[..<space])] = value
            }
            return samples
        }

        @Test func countersMoveWithTrafficAndDatabaseChanges() throws {
            let rig = try EndToEndRig.seededWithLinuxVTEP(prefix: "er", vxlanPort: 4806, subnet: 35)
            let address = "127.0.0.1:19477"
            try rig.startDaemon(extra: ["--metrics-address", address])
            var before = try Self.scrape(rig, address)
            #expect(before["vtep_kdp_database_connected"] == 1)
            #expect(before["vtep_kdp_database_connects_total"] == 1)
            #expect((before["vtep_kdp_passes_total"] ?? 0) >= 1)
            #expect(before["vtep_kdp_pass_duration_seconds_count"] == before["vtep_kdp_passes_total"])
            // The seed scenario: the one remote MAC, nothing learned yet.
            #expect(before[#"vtep_kdp_flows_desired{kind="forward"}"#] == 1)
            #expect(before[#"vtep_kdp_flows_installed{kind="forward"}"#] == 1)
            #expect(before[#"vtep_kdp_flows_desired{kind="tunnel_admission"}"#] == 1)
            #expect(before["vtep_kdp_learned_macs"] == 0)

            // Traffic: VM1 is learned from its first frame; the kernel counts hits.
            #expect(try rig.exec("vm1", "ping -c 5 -i 0.2 -w 20 192.168.100.55").contains("5 received"))
            var after = try Self.scrape(rig, address)
            #expect(after["vtep_kdp_learned_macs"] == 1)
            #expect((after[#"vtep_kdp_upcalls_total{decision="learn"}"#] ?? 0) >= 1)
            #expect(after[#"vtep_kdp_flows_desired{kind="forward"}"#] == 2, "VM1's delivery joins the remote MAC")
            #expect(after[#"vtep_kdp_flows_installed{kind="ingress"}"#] == 1)
            #expect((after[#"vtep_kdp_datapath_packets_total{result="missed"}"#] ?? 0) >= 1)
            let hits = after[#"vtep_kdp_datapath_packets_total{result="hit"}"#] ?? 0
            #expect(hits >= 8, "five echo requests and replies, less the first misses: \(hits)")

            // A database change: one more remote MAC, converged and written back.
            before = after
            try rig.db.vtepctl("add-ucast-remote", "ls0", "00:11:22:33:44:66", rig.underlayIP(3))
            try rig.waitFor("the new remote MAC's flow", timeout: 20) {
                try Self.scrape(rig, address)[#"vtep_kdp_flows_installed{kind="forward"}"#] == 3
            }
            after = try Self.scrape(rig, address)
            #expect(after[#"vtep_kdp_flows_desired{kind="forward"}"#] == 3)
            #expect((after["vtep_kdp_passes_total"] ?? 0) > (before["vtep_kdp_passes_total"] ?? 0))
            #expect((after["vtep_kdp_convergence_seconds_count"] ?? 0) > (before["vtep_kdp_convergence_seconds_count"] ?? 0))
            #expect((after["vtep_kdp_convergence_seconds_sum"] ?? 9) < 5, "a one-row change converges in well under 5 s")
            #expect((after["vtep_kdp_writeback_duration_seconds_count"] ?? 0) >= 1)
            #expect(after[#"vtep_kdp_flows_installed{kind="other"}"#] == 0)
            #expect(try rig.sh("curl -s -o /dev/null -w '%{http_code}' http://\(address)/nothing-here") == "404")

            // The database going away is seen, and its return counted.
            rig.db.stop()
            try rig.waitFor("the disconnection", timeout: 20) { try Self.scrape(rig, address)["vtep_kdp_database_connected"] == 0 }
            try rig.db.start()
            try rig.waitFor("the reconnection", timeout: 30) {
                try Self.scrape(rig, address)["vtep_kdp_database_connects_total"] == 2
            }
            // The loss, and each attempt that failed while the server was away.
            #expect((try Self.scrape(rig, address)["vtep_kdp_database_disconnects_total"] ?? 0) >= 1)
        }
    }
}
