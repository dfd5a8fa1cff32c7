import Foundation
import TestSupport
import Testing

@testable import OVSDB
@testable import VTEPModel

/// The client against a real ovsdb-server with the real vtep.ovsschema,
/// driven by the documentation's own vtep-ctl commands.
/// Each test is cut off (and fails) after 3 minutes instead of waiting forever
/// for an event that never comes.
@Suite(.serialized, .timeLimit(.minutes(3))) struct OVSDBClientTests {
    @Test func theSeedScenarioAppearsInTheModel() async throws {
        let rig = try OVSDBServerRig()
        let (client, task) = rig.startClient()
        defer { task.cancel() }
        try #require(await client.waitUntilSynced(timeout: .seconds(60)), "the client never synced")

        try rig.applySeedScenario()
        try rig.vtepctl("set-replication-mode", "ls0", "source_node")

        // vtep-ctl returns on commit; the monitor update may still be on its way.
        #expect(
            await eventually {
                let db = await client.replica
                return db.ucastMacsRemote.count == 1 && db.logicalSwitch(named: "ls0")?.1.replicationMode == "source_node"
            })
        let db = await client.replica
        let (switchID, physicalSwitch) = try #require(db.physicalSwitch(named: "br0"))
        #expect(physicalSwitch.tunnelIPs == ["10.2.2.1"])
        #expect(db.global.rows.values.first?.switches == [switchID])
        let ports = physicalSwitch.ports.compactMap { db.physicalPorts[$0] }
        #expect(Set(ports.map(\.name)) == ["p0", "p1"])
        let (lsID, ls) = try #require(db.logicalSwitch(named: "ls0"))
        #expect(ls.tunnelKey == 33)
        #expect(ls.replicationMode == "source_node")
        #expect(ports.first { $0.name == "p0" }?.vlanBindings == [0: lsID])
        #expect(ports.first { $0.name == "p1" }?.vlanBindings == [:])

        let mac = try #require(db.ucastMacsRemote.rows.values.first)
        #expect(mac.mac == "00:11:22:33:44:55")
        #expect(mac.logicalSwitch == lsID)
        #expect(db.locators[mac.locator]?.dstIP == "10.2.2.3")
        #expect(db.locators[mac.locator]?.encapsulationType == "vxlan_over_ipv4")

        let mcast = try #require(db.mcastMacsRemote.rows.values.first)
        #expect(mcast.mac == "unknown-dst")
        let set = try #require(db.locatorSets[mcast.locatorSet])
        #expect(set.locators.compactMap { db.locators[$0]?.dstIP } == ["10.2.2.2"])

        // A deletion arrives as exactly one typed change.
        try rig.vtepctl("del-ucast-remote", "ls0", "00:11:22:33:44:55")
        #expect(await eventually { await client.replica.ucastMacsRemote.isEmpty })
    }

    @Test func changesArriveAsTypedInsertModifyDelete() async throws {
        let rig = try OVSDBServerRig()
        let (client, task) = rig.startClient()
        defer { task.cancel() }
        var events = client.events.makeAsyncIterator()
        await skipInitialSync(&events)

        try rig.vtepctl("add-ls", "ls9")
        try rig.vtepctl("set", "Logical_Switch", "ls9", "tunnel_key=99")
        try rig.vtepctl("del-ls", "ls9")
        var seen: [String] = []
        while seen.count < 3, let event = await events.next() {
            guard case .changes(let changes) = event else { continue }
            for case .logicalSwitch(let change) in changes {
                switch change {
                case .insert(_, let row): seen.append("insert \(row.name) \(row.tunnelKey.map(String.init) ?? "-")")
                case .modify(_, let old, let new):
                    seen.append("modify \(old.tunnelKey.map(String.init) ?? "-")→\(new.tunnelKey.map(String.init) ?? "-")")
                case .delete(_, let row): seen.append("delete \(row.name)")
                }
            }
        }
        #expect(seen == ["insert ls9 -", "modify -→99", "delete ls9"])
    }

    /// Consumes the events of the first synchronisation.
    func skipInitialSync(_ events: inout AsyncStream<OVSDBEvent<VTEPChange>>.Iterator) async {
        while let event = await events.next() {
            if case .synced = event { return }
        }
    }

    /// Logical_Switch changes in the events, as text, until `count` are seen.
    func logicalSwitchChanges(
        _ events: inout AsyncStream<OVSDBEvent<VTEPChange>>.Iterator, count: Int,
        within seconds: Double = 15
    ) async -> [String] {
        var seen: [String] = []
        let deadline = ContinuousClock.now + .seconds(seconds)
        while seen.count < count, ContinuousClock.now < deadline, let event = await events.next() {
            guard case .changes(let changes) = event else { continue }
            for case .logicalSwitch(let change) in changes {
                switch change {
                case .insert(_, let row): seen.append("insert \(row.name)")
                case .modify(_, let old, let new): seen.append("modify \(old.name) \(old.tunnelKey ?? -1)→\(new.tunnelKey ?? -1)")
                case .delete(_, let row): seen.append("delete \(row.name)")
                }
            }
        }
        return seen
    }

    @Test func aServerRestartLosesAndDuplicatesNothing() async throws {
        let rig = try OVSDBServerRig()
        try rig.vtepctl("add-ls", "ls0")
        try rig.vtepctl("add-ls", "ls1")
        try rig.vtepctl("add-ps", "br0")
        let (client, task) = rig.startClient()
        defer { task.cancel() }
        var events = client.events.makeAsyncIterator()
        await skipInitialSync(&events)

        #expect(await client.connectedRemote == rig.remote)

        // While the server is down, its database file changes.
        rig.stop()
        #expect(await eventually { await !client.isSynced })
        #expect(await eventually { await client.connectedRemote == nil })
        try OVSDBServerRig.run(
            "ovsdb-tool",
            [
                "transact", rig.databasePath,
                """
                ["hardware_vtep",
                 {"op":"insert","table":"Logical_Switch","row":{"name":"ls2"}},
                 {"op":"update","table":"Logical_Switch","where":[["name","==","ls0"]],"row":{"tunnel_key":44}},
                 {"op":"delete","table":"Logical_Switch","where":[["name","==","ls1"]]}]
                """,
            ])
        try rig.start()
        #expect(await eventually { await client.isSynced })
        #expect(await client.connectedRemote == rig.remote)
        let seen = await logicalSwitchChanges(&events, count: 3)
        #expect(seen.sorted() == ["delete ls1", "insert ls2", "modify ls0 -1→44"])

        // Nothing else was reported, and the replica equals a fresh one.
        try rig.vtepctl("add-ls", "marker")
        #expect(await logicalSwitchChanges(&events, count: 1) == ["insert marker"])
        let (fresh, freshTask) = rig.startClient()
        defer { freshTask.cancel() }
        try #require(await fresh.waitUntilSynced(timeout: .seconds(60)), "the client never synced")
        #expect(await fresh.replica == client.replica)
    }

    @Test func aDroppedConnectionResumesWithoutDuplicates() async throws {
        let rig = try OVSDBServerRig()
        try rig.vtepctl("add-ls", "ls0")
        let (client, task) = rig.startClient()
        defer { task.cancel() }
        var events = client.events.makeAsyncIterator()
        await skipInitialSync(&events)
        // ovsdb-server drops every client; one change races the reconnect.
        try OVSDBServerRig.run("ovs-appctl", ["-t", rig.directory + "/ctl", "ovsdb-server/reconnect"])
        try rig.vtepctl("set", "Logical_Switch", "ls0", "tunnel_key=7")
        try rig.vtepctl("add-ls", "marker")
        #expect(await logicalSwitchChanges(&events, count: 2) == ["modify ls0 -1→7", "insert marker"])
        #expect(await eventually { await client.isSynced })
        try rig.vtepctl("add-ls", "marker2")
        #expect(await logicalSwitchChanges(&events, count: 1) == ["insert marker2"])
    }

    @Test func sslRemotesAuthenticateBothWays() async throws {
        let keys = FileManager.default.temporaryDirectory.appendingPathComponent("vtep-kdp-pki-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: keys, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: keys) }
        func openssl(_ arguments: String...) throws { try OVSDBServerRig.run("openssl", arguments) }
        try openssl(
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(keys)/ca.key", "-out", "\(keys)/ca.pem",
            "-days", "1", "-subj", "/CN=vtep-kdp test CA")
        for name in ["server", "client"] {
            try openssl(
                "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(keys)/\(name).key", "-out", "\(keys)/\(name).csr",
                "-subj", "/CN=\(name)")
            try openssl(
                "x509", "-req", "-in", "\(keys)/\(name).csr", "-CA", "\(keys)/ca.pem", "-CAkey", "\(keys)/ca.key",
                "-CAcreateserial", "-out", "\(keys)/\(name).pem", "-days", "1")
        }
        let port = 30000 + Int.random(in: 0..<20000)
        let rig = try OVSDBServerRig(extraArguments: [
            "--remote=pssl:\(port):127.0.0.1", "--private-key=\(keys)/server.key",
            "--certificate=\(keys)/server.pem", "--ca-cert=\(keys)/ca.pem",
        ])
        try rig.vtepctl("add-ls", "over-tls")
        let client = OVSDBClient<VTEPDatabase>(
            remotes: [.ssl(host: "127.0.0.1", port: port)],
            tls: OVSDBTLSFiles(privateKey: "\(keys)/client.key", certificate: "\(keys)/client.pem", caCertificate: "\(keys)/ca.pem"))
        let task = Task { await client.run() }
        defer { task.cancel() }
        #expect(await eventually(15) { await client.isSynced })
        #expect(await client.replica.logicalSwitch(named: "over-tls") != nil)

        // Without a client certificate the server refuses us.
        try openssl(
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(keys)/other.key", "-out", "\(keys)/other.pem",
            "-days", "1", "-subj", "/CN=stranger")
        let stranger = OVSDBClient<VTEPDatabase>(
            remotes: [.ssl(host: "127.0.0.1", port: port)],
            tls: OVSDBTLSFiles(privateKey: "\(keys)/other.key", certificate: "\(keys)/other.pem", caCertificate: "\(keys)/ca.pem"))
        let strangerTask = Task { await stranger.run() }
        defer { strangerTask.cancel() }
        var iterator = stranger.events.makeAsyncIterator()
        var refused = false
        while let event = await iterator.next() {
            if case .disconnected = event { refused = true; break }
            if case .synced = event { break }
        }
        #expect(refused)
        #expect(await !stranger.isSynced)
    }

    @Test func aFailedOperationIsReportedByItsIndexAndACommitFailureAsSuch() async throws {
        let rig = try OVSDBServerRig()
        try rig.vtepctl("add-ls", "taken")
        let (client, task) = rig.startClient()
        defer { task.cancel() }
        try #require(await client.waitUntilSynced(timeout: .seconds(60)), "the client never synced")
        do {
            _ = try await client.transact([
                OVSDBOperation.comment("first op succeeds on its own"),
                OVSDBOperation.insert("Logical_Switch", [("name", "taken")]),
            ])
            Issue.record("a duplicate name must fail")
        } catch {
            // Both operations succeed; the unique name index fails the commit.
            guard case .commitFailed(let error, let details) = error else { Issue.record("got \(error)"); return }
            #expect(error == "constraint violation")
            #expect(details.contains("taken"))
        }
        #expect(try rig.vtepctl("list-ls") == "taken")
    }

    @Test func aFailingOperationIsNamedByPosition() async throws {
        let rig = try OVSDBServerRig()
        try rig.vtepctl("add-ls", "ls0")
        let (client, task) = rig.startClient()
        defer { task.cancel() }
        try #require(await client.waitUntilSynced(timeout: .seconds(60)), "the client never synced")
        do {
            _ = try await client.transact([
                OVSDBOperation.comment("fine"),
                // A wait whose condition does not hold, with no time to wait: "timed out".
                [
                    "op": "wait", "table": "Logical_Switch", "where": [], "columns": ["name"], "until": "==",
                    "rows": [["name": "not-ls0"]], "timeout": 0,
                ],
                OVSDBOperation.insert("Logical_Switch", [("name", "never")]),
            ])
            Issue.record("the wait must fail")
        } catch {
            guard case .operationFailed(let index, let error, _) = error else { Issue.record("got \(error)"); return }
            #expect(index == 1)
            #expect(error == "timed out")
        }
        #expect(try rig.vtepctl("list-ls") == "ls0")
    }
}
