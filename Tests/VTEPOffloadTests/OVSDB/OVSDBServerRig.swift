import Foundation
@testable import VTEPOffload

/// A real ovsdb-server serving Debian's vtep.ovsschema from a private
/// directory, for tests that talk to it as vtep-kdp will.
final class OVSDBServerRig: @unchecked Sendable {
    static let schema = "/usr/share/openvswitch/vtep.ovsschema"
    let directory: String
    var socketPath: String { directory + "/db.sock" }
    var databasePath: String { directory + "/vtep.db" }
    var remote: OVSDBRemote { .unix(path: socketPath) }
    private var server: ChildProcess?

    /// Further ovsdb-server options (an SSL remote and its keys, say).
    var extraArguments: [String] = []

    init(start: Bool = true, extraArguments: [String] = []) throws {
        self.extraArguments = extraArguments
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vtep-kdp-ovsdb-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Self.run("ovsdb-tool", ["create", databasePath, Self.schema])
        if start { try self.start() }
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    func start() throws {
        server = try ChildProcess(Self.find("ovsdb-server").path, [
            databasePath, "--remote=punix:\(socketPath)", "--unixctl=\(directory)/ctl",
            "--log-file=\(directory)/ovsdb-server.log", "-vfile:info", "-vconsole:off"] + extraArguments)
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: socketPath) {
            guard Date() < deadline else { throw RigError("ovsdb-server did not create \(socketPath)") }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    func stop() {
        server?.terminate()
        server = nil
        try? FileManager.default.removeItem(atPath: socketPath)
    }

    /// `vtep-ctl --db=unix:… ARGS`, its output trimmed.
    @discardableResult
    func vtepctl(_ arguments: String...) throws -> String { try vtepctl(arguments) }

    @discardableResult
    func vtepctl(_ arguments: [String]) throws -> String {
        try Self.run("vtep-ctl", ["--db=unix:\(socketPath)", "--timeout=10"] + arguments)
    }

    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> String {
        let result = try ChildProcess.run(find(tool).path, arguments)
        guard result.status == 0 else {
            throw RigError("\(tool) \(arguments.joined(separator: " ")) failed: \(result.errors)")
        }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func find(_ tool: String) throws -> URL {
        for directory in ["/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/bin", "/usr/local/sbin"] {
            let path = directory + "/" + tool
            if FileManager.default.isExecutableFile(atPath: path) { return URL(fileURLWithPath: path) }
        }
        throw RigError("\(tool) is not installed (scripts/install-deps.sh installs openvswitch-switch and openvswitch-vtep)")
    }
}

struct RigError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Polls `condition` on the client's replica until it holds or `seconds` pass.
func eventually(_ seconds: Double = 10, _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return await condition()
}
