import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// `--pidfile`, as OVS daemons keep theirs: the file holds our pid and a
/// `fcntl` write lock for as long as we run, so a second daemon given the
/// same pidfile finds it locked and names the pid that holds it, and a
/// pidfile left by a daemon that died (lock gone with it) is taken over.
public final class PidFile {
    /// The file's path, as given.
    public let path: String
    private let descriptor: FileDescriptor

    /// Why a pidfile could not be taken.
    public enum Failure: Error, CustomStringConvertible {
        /// Another live process holds the lock.
        case heldBy(pid: Int32, path: String)
        /// The file could not be opened, locked or written.
        case system(call: String, path: String, errno: Errno)

        /// A line for the log or the terminal.
        public var description: String {
            switch self {
            case .heldBy(let pid, let path): "another vtep-kdp (pid \(pid)) is running with pidfile \(path)"
            case .system(let call, let path, let errno): "pidfile \(path): \(call) failed: \(errno)"
            }
        }
    }

    /// Opens `path`, takes its lock without waiting, and writes our pid.
    /// - Throws: `Failure.heldBy` naming the holder's pid, or `Failure.system`.
    public init(path: String) throws(Failure) {
        self.path = path
        do {
            descriptor = try FileDescriptor.open(
                FilePath(path), .readWrite, options: [.create, .closeOnExec, .noFollow],
                permissions: [.ownerReadWrite, .groupRead, .otherRead])
        } catch {
            throw .system(call: "open", path: path, errno: (error as? Errno) ?? .ioError)
        }
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        if fcntl(descriptor.rawValue, F_SETLK, &lock) != 0 {
            let failure = Errno(rawValue: errno)
            var holder = flock()
            holder.l_type = Int16(F_WRLCK)
            holder.l_whence = Int16(SEEK_SET)
            let found = fcntl(descriptor.rawValue, F_GETLK, &holder) == 0 && holder.l_type != Int16(F_UNLCK)
            try? descriptor.close()
            if found { throw .heldBy(pid: holder.l_pid, path: path) }
            throw .system(call: "fcntl(F_SETLK)", path: path, errno: failure)
        }
        do {
            guard ftruncate(descriptor.rawValue, 0) == 0 else { throw Errno(rawValue: errno) }
            _ = try descriptor.writeAll(toAbsoluteOffset: 0, "\(getpid())\n".utf8)
        } catch {
            try? descriptor.close()
            throw .system(call: "write", path: path, errno: (error as? Errno) ?? .ioError)
        }
    }

    /// Removes the file and lets the lock go (at a clean exit).
    public func remove() {
        unlink(path)
        try? descriptor.close()
    }
}
