import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A child process started with posix_spawn and reaped with waitpid.
/// (Foundation's `Process.waitUntilExit` spins on Linux when called off the
/// main thread, which async tests always are.)
package final class ChildProcess: @unchecked Sendable {
    package let pid: pid_t
    private var reaped = false

    /// Starts `path` with stdin, stdout and stderr on /dev/null.
    package init(_ path: String, _ arguments: [String]) throws {
        pid = try Self.spawn(path, arguments, stdout: nil, stderr: nil)
    }

    deinit { terminate() }

    /// SIGTERM (or `signal`), then wait for it to exit.
    package func terminate(signal: Int32 = SIGTERM) {
        guard !reaped else { return }
        kill(pid, signal)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        reaped = true
    }

    /// Runs `path` to completion and returns its exit status and output.
    package static func run(_ path: String, _ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        var outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        // Close-on-exec, so only the child's stdout and stderr (dup2'ed, which
        // clears the flag) hold the pipes: a daemon it leaves behind keeps no
        // copy open, and the reads below see the end.
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else { throw RigError("pipe: \(errno)") }
        for fd in outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let pid = try spawn(path, arguments, stdout: outPipe[1], stderr: errPipe[1])
        close(outPipe[1]); close(errPipe[1])
        // Drain stderr on another thread so neither pipe can fill up.
        let errorFD = errPipe[0]
        let collected = Collected()
        let done = DispatchSemaphore(value: 0)
        Thread {
            collected.data = readAll(errorFD); done.signal()
        }.start()
        let output = readAll(outPipe[0])
        done.wait()
        let errors = collected.data
        close(outPipe[0]); close(errPipe[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (exitStatus, String(decoding: output, as: UTF8.self), String(decoding: errors, as: UTF8.self))
    }

    private final class Collected: @unchecked Sendable { var data = Data() }

    private static func readAll(_ fd: Int32) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count > 0 { data.append(contentsOf: buffer[0..<count]) } else if count < 0 && errno == EINTR { continue } else { break }
        }
        return data
    }

    private static func spawn(_ path: String, _ arguments: [String], stdout: Int32?, stderr: Int32?) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if let stdout {
            posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        if let stderr {
            posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        // Swift's worker threads block signals; a child would inherit that
        // mask and ignore SIGTERM. Give it a clean mask and default handlers.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        guard result == 0 else { throw RigError("cannot start \(path): \(String(cString: strerror(result)))") }
        return pid
    }
}
