import Foundation
import TestSupport
import Testing

@testable import OVSDB
@testable import VTEPModel

/// A server that misbehaves: each case ends the connection with a clear
/// error, the replica keeps nothing half-decoded, and the client goes on
/// retrying (a second disconnect shows it reconnected).
/// Each test is cut off (and fails) after 3 minutes instead of waiting forever
/// for an event that never comes.
@Suite(.serialized, .timeLimit(.minutes(3))) struct OVSDBBadInputTests {
    static let fakeServer = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/fake-ovsdb-server.py").path

    /// Runs `body` with the socket of a fake server in `mode`, started in a
    /// directory of its own and gone afterwards.
    func withFakeServer<T>(_ mode: String, _ body: (String) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vtep-kdp-fake-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let socket = directory + "/db.sock"
        let server = try ChildProcess("/usr/bin/python3", [Self.fakeServer, socket, mode])
        defer { server.terminate() }
        #expect(await eventually { FileManager.default.fileExists(atPath: socket) })
        return try await body(socket)
    }

    /// Runs a client against the fake server in `mode` and returns the
    /// first two disconnect reasons. The inactivity probe is long unless a
    /// case is about it: on a busy machine a short one fired before the
    /// server's bad reply arrived, and the case saw a time-out instead.
    func disconnects(_ mode: String, maxMessageBytes: Int = 1 << 20, probe: Duration = .seconds(10)) async throws -> [OVSDBError] {
        try await withFakeServer(mode) { socket in
            var options = OVSDBClient<VTEPDatabase>.Options()
            options.inactivityProbe = probe
            options.probeUnixSockets = true
            options.minBackoff = .milliseconds(50)
            options.maxBackoff = .milliseconds(100)
            options.maxMessageBytes = maxMessageBytes
            let client = OVSDBClient<VTEPDatabase>(remotes: [.unix(path: socket)], options: options)
            let task = Task { await client.run() }
            defer { task.cancel() }
            var errors: [OVSDBError] = []
            for await event in client.events {
                if case .disconnected(let error) = event { errors.append(error) }
                if errors.count == 2 { break }
            }
            #expect(await client.replica.logicalSwitches.isEmpty)
            #expect(await !client.isSynced)
            return errors
        }
    }

    @Test func aTruncatedReplyIsALostConnection() async throws {
        for error in try await disconnects("truncated") {
            guard case .connectionLost = error else { Issue.record("got \(error)"); continue }
        }
    }

    @Test func invalidUTF8IsAProtocolViolation() async throws {
        for error in try await disconnects("badutf8") {
            guard case .protocolViolation(_, let reason) = error else { Issue.record("got \(error)"); continue }
            #expect(reason.contains("UTF-8"))
        }
    }

    @Test func anotherSchemaVersionIsRefusedByName() async throws {
        for error in try await disconnects("schema") {
            guard case .schemaMismatch(let database, let found, _) = error else { Issue.record("got \(error)"); continue }
            #expect(database == "hardware_vtep" && found == "2.0.0")
            #expect(error.description.contains("2.0.0"))
        }
    }

    @Test func aRowOfUnexpectedTypesIsAProtocolViolation() async throws {
        for error in try await disconnects("badrow") {
            guard case .protocolViolation(_, let reason) = error else { Issue.record("got \(error)"); continue }
            #expect(reason.contains("monitor reply"))
        }
    }

    @Test func aStalledServerTimesOut() async throws {
        for error in try await disconnects("stall", probe: .milliseconds(300)) {
            guard case .timedOut = error else { Issue.record("got \(error)"); continue }
        }
    }

    @Test func anEndlessMessageIsCutAtTheLimit() async throws {
        for error in try await disconnects("huge", maxMessageBytes: 256 * 1024) {
            guard case .connectionLost(_, let reason) = error else { Issue.record("got \(error)"); continue }
            #expect(reason.contains("limit"))
        }
    }

    @Test func anOldServerIsMonitoredWithRFC7047Updates() async throws {
        try await withFakeServer("old") { socket in
            let client = OVSDBClient<VTEPDatabase>(remotes: [.unix(path: socket)])
            let task = Task { await client.run() }
            defer { task.cancel() }
            // The monitor reply's two rows, then the update: ls0 modified, ls1 deleted.
            #expect(
                await eventually {
                    let switches = await client.replica.logicalSwitches.rows.values
                    return switches.count == 1 && switches.first?.tunnelKey == 34
                })
            #expect(await client.isSynced)
        }
    }

    /// A transaction the server never answers, or made while no server is
    /// there to take it, ends with `.timedOut` after `transactTimeout`
    /// instead of stalling its caller (the write-back) for good.
    @Test(arguments: ["deaf", "stall"])
    func aTransactionNeverAnsweredTimesOut(mode: String) async throws {
        try await withFakeServer(mode) { socket in
            var options = OVSDBClient<VTEPDatabase>.Options()
            options.transactTimeout = .seconds(1)
            let client = OVSDBClient<VTEPDatabase>(remotes: [.unix(path: socket)], options: options)
            let task = Task { await client.run() }
            defer { task.cancel() }
            if mode == "deaf" { try #require(await client.waitUntilSynced(timeout: .seconds(60)), "the client never synced") }
            let started = ContinuousClock.now
            do {
                _ = try await client.transact([OVSDBOperation.insert("Logical_Switch", [("name", .string("ls9"))])])
                Issue.record("a transaction nobody answered succeeded")
            } catch {
                guard case .timedOut? = error as? OVSDBError else {
                    Issue.record("got \(error)")
                    return
                }
            }
            let waited = ContinuousClock.now - started
            print("transact against a \(mode) server: timed out after \(waited)")
            #expect(waited >= .seconds(1) && waited < .seconds(30))
            if mode == "deaf" { #expect(await client.isSynced, "the connection itself is fine") }
        }
    }

    /// A cluster member whose `_Server` row says, after the client
    /// synchronised, that it lost its connection to the cluster is left at
    /// once, with `.notLeader`; the replica keeps what it had, for the next
    /// member to resume from.
    @Test func aMemberThatLosesItsClusterIsLeftAndTheReplicaKept() async throws {
        try await withFakeServer("unclustered") { socket in
            var options = OVSDBClient<VTEPDatabase>.Options()
            // Long enough that the replica is looked at before any reconnection.
            options.minBackoff = .seconds(30)
            let client = OVSDBClient<VTEPDatabase>(remotes: [.unix(path: socket)], options: options)
            let disconnects = DisconnectLog()
            await disconnects.watch(client)
            let task = Task { await client.run() }
            defer { task.cancel() }
            try #require(await client.waitUntilSynced(timeout: .seconds(60)), "the client never synced")
            _ = try await client.transact([])  // the server's cue to lose its cluster
            #expect(await eventually(30) { await !disconnects.errors.isEmpty }, "the client stayed on the member")
            await disconnects.stop()
            let (errors, sawNotLeader) = (await disconnects.errors, await disconnects.sawNotLeader)
            #expect(errors.count == 1 && sawNotLeader, "got \(errors)")
            #expect(await !client.isSynced)
            #expect(await client.replica.logicalSwitches.rows.count == 1)
        }
    }
}
