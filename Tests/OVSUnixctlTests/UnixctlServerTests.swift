import Foundation
import TestSupport
import Testing

@testable import OVSUnixctl

/// The control socket against OVS's own, unmodified `ovs-appctl`: no
/// kernel needed, so these run on the host.
@Suite struct UnixctlServerTests {
    /// The body runs on a thread of its own: it blocks on child processes,
    /// and the server's commands need Swift's cooperative pool, which is as
    /// small as the machine (two threads here).
    static func withServer(_ body: @escaping @Sendable (String) throws -> Void) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("unixctl-\(UUID().uuidString.prefix(8)).ctl").path
        let server = try await UnixctlServer(
            path: path, version: "test-daemon (test) 1.0",
            commands: [
                UnixctlCommand("echo", usage: "WORD...", arguments: 1...3) { .success($0.joined(separator: " ") + "\n") },
                UnixctlCommand("refuse") { _ in .failure(UnixctlError("refused, as asked")) },
            ])
        let outcome: Result<Void, any Error> = await withCheckedContinuation { done in
            Thread.detachNewThread { done.resume(returning: Result { try body(path) }) }
        }
        await server.close()
        try outcome.get()
        #expect(!FileManager.default.fileExists(atPath: path), "the socket file goes with the server")
    }

    static func appctl(_ path: String, _ arguments: String...) throws -> (status: Int32, output: String, errors: String) {
        try ChildProcess.run("/usr/bin/ovs-appctl", ["-t", path] + arguments)
    }

    @Test func ovsAppctlRunsCommandsAndListsThem() async throws {
        try await Self.withServer { path in
            #expect(try Self.appctl(path, "version").output == "test-daemon (test) 1.0\n")
            #expect(try Self.appctl(path, "echo", "a", "b").output == "a b\n")
            let listed = try Self.appctl(path, "list-commands").output
            #expect(listed.contains("  echo WORD...\n") && listed.contains("  version\n") && listed.contains("  list-commands\n"))
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? Int) == 0o750)
        }
    }

    @Test func badRequestsGetErrorsAndTheServerGoesOn() async throws {
        try await Self.withServer { path in
            let refused = try Self.appctl(path, "refuse")
            #expect(refused.status == 2 && refused.errors.contains("refused, as asked"), "\(refused.errors)")
            let unknown = try Self.appctl(path, "no/such")
            #expect(unknown.status == 2 && unknown.errors.contains("\"no/such\" is not a valid command"), "\(unknown.errors)")
            let tooMany = try Self.appctl(path, "echo", "1", "2", "3", "4")
            #expect(tooMany.status == 2 && tooMany.errors.contains("between 1 and 3 arguments"), "\(tooMany.errors)")
            // Not JSON-RPC at all, then not JSON: the connection is dropped, the server lives.
            for junk in ["{\"method\": 7, \"id\": 1}", "][ not json"] {
                let sent = try ChildProcess.run(
                    "/usr/bin/python3",
                    [
                        "-c",
                        "import socket,sys; s=socket.socket(socket.AF_UNIX); s.settimeout(5); s.connect(sys.argv[1]); "
                            + "s.sendall(sys.argv[2].encode()); print(len(s.recv(100)))",
                        path, junk,
                    ])
                #expect(sent.output == "0\n", "\(junk): the server hung up without a reply: \(sent.output) \(sent.errors)")
            }
            #expect(try Self.appctl(path, "version").status == 0)
        }
    }

    @Test func ourClientGetsResultsAndErrorsLikeOvsAppctl() async throws {
        try await Self.withServer { path in
            let echoed = try UnixctlClient.call(path, "echo", ["x", "y"])
            let version = try UnixctlClient.call(path, "version")
            #expect(echoed == "x y\n")
            #expect(version == "test-daemon (test) 1.0\n")
            do {
                _ = try UnixctlClient.call(path, "refuse")
                Issue.record("an error reply must throw")
            } catch {
                #expect("\(error)" == "refused, as asked")
            }
        }
        do {
            _ = try UnixctlClient.call("/nonexistent/x.ctl", "version")
            Issue.record("no socket must throw")
        } catch {
            #expect("\(error)".hasPrefix("control socket unreachable"))
        }
    }
}
