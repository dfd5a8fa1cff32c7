import Foundation
import TestSupport
import Testing

@testable import OVSDB
@testable import VTEPModel

/// A 3-member clustered hardware_vtep database (ovsdb-tool create-cluster /
/// join-cluster): the client writes through the leader, and killing the
/// leader mid-stream loses no write.
/// Each test is cut off (and fails) after 5 minutes instead of waiting forever
/// for an event that never comes.
@Suite(.serialized, .timeLimit(.minutes(5))) struct OVSDBClusterTests {
    final class Cluster: @unchecked Sendable {
        let directory: String
        let raftPorts: [Int]
        var servers: [ChildProcess?] = [nil, nil, nil]

        init() throws {
            directory =
                FileManager.default.temporaryDirectory.appendingPathComponent("vtep-kdp-cluster-\(UUID().uuidString.prefix(8))").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let base = 20000 + Int.random(in: 0..<20000)
            raftPorts = [base, base + 1, base + 2]
            try OVSDBServerRig.run("ovsdb-tool", ["create-cluster", db(0), OVSDBServerRig.schema, raft(0)])
            for member in 1...2 {
                try OVSDBServerRig.run("ovsdb-tool", ["join-cluster", db(member), "hardware_vtep", raft(member), raft(0)])
            }
            for member in 0...2 { try start(member) }
        }

        deinit {
            for server in servers { server?.terminate() }
            try? FileManager.default.removeItem(atPath: directory)
        }

        func db(_ member: Int) -> String { "\(directory)/vtep\(member).db" }
        func raft(_ member: Int) -> String { "tcp:127.0.0.1:\(raftPorts[member])" }
        func socket(_ member: Int) -> String { "\(directory)/s\(member).sock" }
        func control(_ member: Int) -> String { "\(directory)/ctl\(member)" }
        var remotes: [OVSDBRemote] { (0...2).map { .unix(path: socket($0)) } }

        func start(_ member: Int) throws {
            servers[member] = try ChildProcess(
                OVSDBServerRig.find("ovsdb-server").path,
                [
                    db(member), "--remote=punix:\(socket(member))", "--unixctl=\(control(member))",
                    "--log-file=\(directory)/ovsdb-server\(member).log", "-vconsole:off",
                ])
        }

        /// The member that says it is the leader, if any.
        func leader() -> Int? {
            (0...2).first { member in
                guard servers[member] != nil,
                    let status = try? OVSDBServerRig.run("ovs-appctl", ["-t", control(member), "cluster/status", "hardware_vtep"])
                else { return false }
                return status.contains("Role: leader")
            }
        }

        /// Whether every member has joined (a member killed while another
        /// is still joining could leave no majority).
        func allJoined() -> Bool {
            (0...2).allSatisfy { member in
                let status = try? OVSDBServerRig.run("ovs-appctl", ["-t", control(member), "cluster/status", "hardware_vtep"])
                return status?.contains("Status: cluster member") == true
            }
        }

        /// `ovs-appctl -t CONTROL(member) ARGUMENTS`, its output trimmed.
        @discardableResult
        func appctl(_ member: Int, _ arguments: String...) throws -> String {
            try OVSDBServerRig.run("ovs-appctl", ["-t", control(member)] + arguments)
        }

        func kill(_ member: Int) {
            servers[member]?.terminate(signal: SIGKILL)
            servers[member] = nil
        }
    }

    /// Inserts Logical_Switch `name`, retrying across connection loss; a
    /// retry that finds the row already there (the name is an index) means
    /// the earlier attempt committed.
    func insertLogicalSwitch(_ name: String, _ client: OVSDBClient<VTEPDatabase>) async throws {
        for _ in 0..<200 {
            let failure: OVSDBError
            do throws(OVSDBError) {
                _ = try await client.transact([OVSDBOperation.insert("Logical_Switch", [("name", .string(name))])])
                return
            } catch {
                failure = error
            }
            switch failure {
            case .commitFailed(let error, _) where error == "constraint violation": return
            case .connectionLost, .timedOut, .notLeader, .serverError: try await Task.sleep(for: .milliseconds(50))
            default: throw failure
            }
        }
        throw RigError("could not write \(name)")
    }

    /// A member that dies or stops leading is noticed within seconds
    /// (probed even over unix sockets) and left quickly.
    static var quickToNotice: OVSDBClient<VTEPDatabase>.Options {
        var options = OVSDBClient<VTEPDatabase>.Options()
        options.inactivityProbe = .seconds(2)
        options.probeUnixSockets = true
        options.maxBackoff = .milliseconds(500)
        return options
    }

    /// What the client promises across a leader's death: a write cut off
    /// fails with a typed, transient error (connection lost, not leader,
    /// timed out) and never silently; retried by its caller, as this test's
    /// `insertLogicalSwitch` does, it commits exactly once. Retrying is the
    /// caller's job: the daemon's write-back does it on its own schedule
    /// (`DatabaseWriteBackTests`).
    @Test func aWriteCutByALeaderKillFailsTypedAndARetryCommitsOnce() async throws {
        let cluster = try Cluster()
        #expect(await eventually(30) { cluster.leader() != nil && cluster.allJoined() })
        let client = OVSDBClient<VTEPDatabase>(remotes: cluster.remotes, options: Self.quickToNotice)
        let task = Task { await client.run() }
        defer { task.cancel() }
        try #require(await client.waitUntilSynced(timeout: .seconds(60)), "the client never synced")

        let names = (0..<40).map { "ls\($0)" }
        var killed: Int?
        for (index, name) in names.enumerated() {
            if index == 15 {
                killed = cluster.leader()
                if let killed { cluster.kill(killed) }
            }
            try await insertLogicalSwitch(name, client)
        }
        #expect(killed != nil, "the leader was killed mid-stream")
        #expect(
            await eventually(30) {
                Set(await client.replica.logicalSwitches.rows.values.map(\.name)) == Set(names)
            })
        // The new leader's own view agrees (vtep-ctl, like us, talks to leaders only).
        #expect(await eventually(30) { cluster.leader() != nil })
        let survivor = try #require(cluster.leader())
        let listed = try OVSDBServerRig.run("vtep-ctl", ["--db=unix:\(cluster.socket(survivor))", "--timeout=10", "list-ls"])
        #expect(Set(listed.split(separator: "\n").map(String.init)) == Set(names))
    }

    /// A leader that becomes a follower while staying up (ovsdb-server's
    /// own transfer of leadership, as before it writes a snapshot) still
    /// serves, and would forward writes: the client notices through its
    /// `_Server` monitor, leaves it, and follows the new leader, keeping
    /// its replica.
    @Test func aLeaderThatStepsDownIsLeftForTheNewLeader() async throws {
        let cluster = try Cluster()
        #expect(await eventually(30) { cluster.leader() != nil && cluster.allJoined() })
        let client = OVSDBClient<VTEPDatabase>(remotes: cluster.remotes, options: Self.quickToNotice)
        let disconnects = DisconnectLog()
        await disconnects.watch(client)
        let task = Task { await client.run() }
        defer { task.cancel() }
        try #require(await client.waitUntilSynced(timeout: .seconds(60)), "the client never synced")
        try await insertLogicalSwitch("before", client)

        let remote = try #require(await client.connectedRemote)
        let oldLeader = try #require(cluster.remotes.firstIndex(of: remote))
        #expect(cluster.leader() == oldLeader, "a leader-only client is on the leader")
        try cluster.appctl(oldLeader, "cluster/failure-test", "transfer-leadership")
        #expect(await eventually(30) { cluster.leader().map { $0 != oldLeader } ?? false }, "leadership moved")
        let newLeader = try #require(cluster.leader())

        #expect(
            await eventually(30) {
                let (remote, synced) = (await client.connectedRemote, await client.isSynced)
                return remote == cluster.remotes[newLeader] && synced
            }, "the client moved to the new leader")
        #expect(await disconnects.sawNotLeader)
        // The old leader is up and serving, as a follower: it was left, not lost.
        let status = try cluster.appctl(oldLeader, "cluster/status", "hardware_vtep")
        #expect(status.contains("Role: follower") && status.contains("Status: cluster member"))
        try await insertLogicalSwitch("after", client)
        #expect(
            await eventually(30) {
                Set(await client.replica.logicalSwitches.rows.values.map(\.name)) == ["before", "after"]
            })
        await disconnects.stop()
    }
}
