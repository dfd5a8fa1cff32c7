import Synchronization
import SystemPackage

/// The daemon's log file, opened the way OVS daemons open theirs and never
/// a reason to stop: a write that fails (a full disk, `/dev/full`, a file
/// system gone read-only) is counted and the line dropped. `FileHandle`
/// traps on a failed write — `--log-file /dev/full` aborted at the first
/// line, and nothing was learned.
///
/// Opened with `O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC` and mode 0640:
/// appended to, never through a symbolic link someone planted, not handed
/// to child processes, not readable by everyone. `reopen()` (on SIGHUP)
/// starts a new file after logrotate moved the old one away.
public final class LogFile: Sendable {
    /// The file's path, as given.
    public let path: String

    private struct State {
        var descriptor: FileDescriptor?
        var failedWrites = 0
        var lastError: Errno?
    }
    private let state: Mutex<State>

    /// Opens (or creates) `path` for appending.
    /// - Throws: the `Errno` of `open(2)`, e.g. `ELOOP` for a symbolic link.
    public init(path: String) throws(Errno) {
        self.path = path
        state = Mutex(State(descriptor: try Self.open(path)))
    }

    deinit { state.withLock { try? $0.descriptor?.close() } }

    private static func open(_ path: String) throws(Errno) -> FileDescriptor {
        do {
            return try FileDescriptor.open(
                FilePath(path), .writeOnly, options: [.append, .create, .noFollow, .closeOnExec],
                permissions: [.ownerReadWrite, .groupRead])
        } catch let error as Errno {
            throw error
        } catch {
            throw Errno.ioError
        }
    }

    /// Appends `text`; a failure is counted (`failedWrites`), never thrown.
    public func write(_ text: String) {
        state.withLock { state in
            guard let descriptor = state.descriptor else {
                state.failedWrites += 1
                return
            }
            do {
                _ = try descriptor.writeAll(text.utf8)
            } catch {
                state.failedWrites += 1
                state.lastError = error as? Errno
            }
        }
    }

    /// Closes the file and opens `path` again: logrotate renamed it, so
    /// the next line starts a new file.
    /// - Throws: the `Errno` of `open(2)`; the log then goes nowhere (each
    ///   line counted as failed) until a reopen succeeds.
    public func reopen() throws(Errno) {
        let result: Result<FileDescriptor, Errno>
        do throws(Errno) { result = .success(try Self.open(path)) } catch { result = .failure(error) }
        try state.withLock { (state) throws(Errno) in
            try? state.descriptor?.close()
            state.descriptor = nil
            state.descriptor = try result.get()
        }
    }

    /// Lines that could not be written since the start.
    public var failedWrites: Int { state.withLock { $0.failedWrites } }

    /// Why the last write failed, if one did.
    public var lastError: Errno? { state.withLock { $0.lastError } }
}
