import Foundation
import OVSDatapathCore
import OVSDatapathNL
import Testing

/// What kernel tests share: whether to run, a shell for the independent
/// tools (ovs-dpctl, ip), and parsing of their output.
enum KernelRig {
    /// Kernel tests run where the openvswitch genl families exist. Inside the
    /// VM rig VTEPKDP_REQUIRE_KERNEL=1 makes them run regardless, so a broken
    /// module load fails them instead of skipping them.
    static let shouldRun: Bool =
        ProcessInfo.processInfo.environment["VTEPKDP_REQUIRE_KERNEL"] == "1" || OVSFamilies.kernelHasDatapath

    struct CommandResult {
        var status: Int32
        var output: String
    }

    /// Runs `/bin/sh -c command`, stdout and stderr together.
    @discardableResult
    static func sh(_ command: String) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command + " 2>&1"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// Runs a command that must succeed.
    @discardableResult
    static func must(_ command: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try sh(command)
        try #require(result.status == 0, "\(command) failed: \(result.output)", sourceLocation: sourceLocation)
        return result.output
    }

    /// The `  port N: …` lines of `ovs-dpctl show DP`, trimmed, in order.
    static func dpctlPortLines(_ datapath: String) throws -> [String] {
        try must("ovs-dpctl show \(datapath)")
            .split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.hasPrefix("port ") }
    }

    /// The same lines from our own renderer.
    static func ourPortLines(_ datapath: Datapath, _ ports: [Vport]) -> [String] {
        DatapathShowFormat.render(datapath, ports: ports)
            .split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.hasPrefix("port ") }
    }

    /// A veth pair whose first end is the datapath port; removed by `cleanup`.
    static func makeVeth(_ name: String) throws {
        _ = try sh("ip link del \(name)")
        try must("ip link add \(name) type veth peer name \(name)p && ip link set \(name) up && ip link set \(name)p up")
    }

    /// Removes what an earlier, failed run may have left.
    static func removeDatapath(_ name: String) {
        _ = try? sh("ovs-dpctl del-dp \(name)")
    }
}

/// Parent of every suite that needs the kernel module. The suites share
/// global names (the vxlan_sys_4789 device, UDP port 4789), so they run one
/// after another, never in parallel; and they are enabled only where the
/// module is (or must be) present.
@Suite(.serialized, .enabled(if: KernelRig.shouldRun, "needs the openvswitch kernel module (run scripts/test-all.sh)"))
enum KernelSuites {}

extension KernelRig {
    /// A long-running command (tcpdump, say) owned by the test: started
    /// directly, its output going to a file, stopped with SIGTERM.
    final class Background {
        let process = Process()
        let outputPath: String

        init(_ command: String, outputPath: String) throws {
            self.outputPath = outputPath
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "exec \(command) > \(outputPath) 2>&1"]
            try process.run()
        }

        var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

        /// Waits until the output contains `text`, up to `seconds`.
        @discardableResult
        func wait(for text: String, seconds: Double) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if output.contains(text) { return true }
                Thread.sleep(forTimeInterval: 0.2)
            }
            return output.contains(text)
        }

        /// SIGTERM, then SIGKILL if it is still there after 5 s (tcpdump, once
        /// it has dropped to its own user, can sit in a blocking read).
        func stop() {
            guard process.isRunning else { return }
            process.terminate()
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }

        deinit { stop() }
    }
}
