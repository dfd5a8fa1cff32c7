import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `--detach`, the OVS way: the command returns once the daemon is up
/// (or fails with its error), and the daemon runs on in a session of its
/// own with standard input and output on /dev/null. Swift cannot fork a
/// running process safely, so the parent spawns itself again without
/// `--detach` and waits on a pipe for the child's "ready".
enum Detach {
    static let readyVariable = "VTEPKDP_DETACH_READY_FD"

    /// In the parent: start the daemon in the background and exit with its start-up result.
    static func respawn(droppingFlag flag: String) -> Never {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { fail("pipe: \(String(cString: strerror(errno)))") }
        let arguments = CommandLine.arguments.filter { $0 != flag }
        var environment = ProcessInfo.processInfo.environment
        environment[readyVariable] = "3"

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        // Start-up errors still reach the caller's terminal: stderr stays
        // until the child says it is ready, then it too goes to /dev/null.
        posix_spawn_file_actions_adddup2(&actions, fds[1], 3)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        let setsid: Int32 = 0x80  // POSIX_SPAWN_SETSID (glibc), not imported into Swift
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF) | Int16(setsid))

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0)=\($1)") } + [nil]
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/proc/self/exe", &actions, &attributes, argv, envp)
        posix_spawn_file_actions_destroy(&actions)
        posix_spawnattr_destroy(&attributes)
        close(fds[1])
        guard rc == 0 else { fail("cannot start the daemon: \(String(cString: strerror(rc)))") }

        var buffer = [UInt8](repeating: 0, count: 16)
        let count = read(fds[0], &buffer, buffer.count)
        if count > 0, String(decoding: buffer[0..<count], as: UTF8.self).hasPrefix("ready") { exit(0) }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        fail("the daemon exited during start-up (status \((status >> 8) & 0xff)); see the message above or its log")
    }

    /// In the daemon: tell a waiting parent that start-up succeeded, and
    /// let go of the terminal.
    static func notifyReady() {
        guard let text = ProcessInfo.processInfo.environment[readyVariable], let fd = Int32(text) else { return }
        _ = "ready\n".withCString { write(fd, $0, 6) }
        close(fd)
        let null = open("/dev/null", O_WRONLY)
        if null >= 0 { dup2(null, 2); close(null) }
        unsetenv(readyVariable)
    }

    private static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("vtep-kdp: \(message)\n".utf8))
        exit(1)
    }
}
