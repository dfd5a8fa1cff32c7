import Foundation
import OVSDB
import VTEPModel

/// A real ovsdb-server serving Debian's vtep.ovsschema from a private
/// directory, for tests that talk to it as vtep-kdp will.
package final class OVSDBServerRig: @unchecked Sendable {
    package static let schema = "/usr/share/openvswitch/vtep.ovsschema"
    package let directory: String
    package var socketPath: String { directory + "/db.sock" }
    package var databasePath: String { directory + "/vtep.db" }
    package var remote: OVSDBRemote { .unix(path: socketPath) }
    private var server: ChildProcess?

    /// Further ovsdb-server options (an SSL remote and its keys, say).
    package var extraArguments: [String] = []

    /// - Parameter schema: the schema file to create the database from (the real vtep.ovsschema).
    package init(start: Bool = true, extraArguments: [String] = [], schema: String = OVSDBServerRig.schema) throws {
        self.extraArguments = extraArguments
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vtep-kdp-ovsdb-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Self.run("ovsdb-tool", ["create", databasePath, schema])
        if start { try self.start() }
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    package func start() throws {
        server = try ChildProcess(
            Self.find("ovsdb-server").path,
            [
                databasePath, "--remote=punix:\(socketPath)", "--unixctl=\(directory)/ctl",
                "--log-file=\(directory)/ovsdb-server.log", "-vfile:info", "-vconsole:off",
            ] + extraArguments)
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: socketPath) {
            guard Date() < deadline else { throw RigError("ovsdb-server did not create \(socketPath)") }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    package func stop() {
        server?.terminate()
        server = nil
        try? FileManager.default.removeItem(atPath: socketPath)
    }

    /// `vtep-ctl --db=unix:… ARGS`, its output trimmed.
    @discardableResult
    package func vtepctl(_ arguments: String...) throws -> String { try vtepctl(arguments) }

    @discardableResult
    package func vtepctl(_ arguments: [String]) throws -> String {
        try Self.run("vtep-ctl", ["--db=unix:\(socketPath)", "--timeout=10"] + arguments)
    }

    @discardableResult
    package static func run(_ tool: String, _ arguments: [String]) throws -> String {
        let result = try ChildProcess.run(find(tool).path, arguments)
        guard result.status == 0 else {
            throw RigError("\(tool) \(arguments.joined(separator: " ")) failed: \(result.errors)")
        }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    package static func find(_ tool: String) throws -> URL {
        for directory in ["/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/bin", "/usr/local/sbin"] {
            let path = directory + "/" + tool
            if FileManager.default.isExecutableFile(atPath: path) { return URL(fileURLWithPath: path) }
        }
        throw RigError("\(tool) is not installed (scripts/install-deps.sh installs openvswitch-switch and openvswitch-vtep)")
    }
}

/// Polls `condition` on the client's replica until it holds or `seconds` pass.
package func eventually(_ seconds: Double = 10, _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return await condition()
}

extension OVSDBServerRig {
    /// The seed scenario's vtep-ctl commands (docs/reference-scenario.md), with the
    /// given port names standing for p0 and p1.
    package func applySeedScenario(p0: String = "p0", p1: String = "p1") throws {
        try vtepctl("add-ps", "br0")
        try vtepctl("set", "Physical_Switch", "br0", "tunnel_ips=10.2.2.1")
        try vtepctl("add-port", "br0", p0)
        try vtepctl("add-port", "br0", p1)
        try vtepctl("add-ls", "ls0")
        try vtepctl("bind-ls", "br0", p0, "0", "ls0")
        try vtepctl("set", "Logical_Switch", "ls0", "tunnel_key=33")
        try vtepctl("add-mcast-remote", "ls0", "unknown-dst", "10.2.2.2")
        try vtepctl("add-ucast-remote", "ls0", "00:11:22:33:44:55", "10.2.2.3")
    }
}

extension OVSDBServerRig {
    /// A VTEP-database client of this server, running (cancel the task to
    /// stop it): probing even the unix socket every `probe`, reconnecting
    /// within 0.4 s.
    package func startClient(probe: Duration = .seconds(5)) -> (OVSDBClient<VTEPDatabase>, Task<Void, Never>) {
        var options = OVSDBClient<VTEPDatabase>.Options()
        options.inactivityProbe = probe
        options.probeUnixSockets = true
        options.maxBackoff = .milliseconds(400)
        let client = OVSDBClient<VTEPDatabase>(remotes: [remote], options: options)
        let task = Task { await client.run() }
        return (client, task)
    }
}
