import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// One vtep-kdp per datapath. Two daemons on one datapath took each
/// other's upcalls and deleted each other's flows and rows. The claim is
/// a listening unix socket in the abstract namespace, `@vtep-kdp/<datapath>`:
/// the kernel gives it to one process at a time and frees it when that
/// process dies (however it dies), it needs no file that could go stale, and
/// like datapath names it is private to the network namespace. A second
/// claimant learns the holder's pid from the socket's peer credentials.
public final class DatapathClaim {
    /// The datapath claimed.
    public let datapath: String
    private let descriptor: Int32

    /// Why the datapath could not be claimed.
    public enum Failure: Error, CustomStringConvertible {
        /// A live vtep-kdp serves it (its pid, when the kernel said).
        case servedBy(pid: Int32?, datapath: String)
        /// A socket call failed.
        case system(call: String, errno: Errno)

        /// A line for the log or the terminal.
        public var description: String {
            switch self {
            case .servedBy(let pid?, let datapath): "datapath \(datapath) is already served by vtep-kdp pid \(pid)"
            case .servedBy(nil, let datapath): "datapath \(datapath) is already served by another vtep-kdp"
            case .system(let call, let errno): "claiming the datapath: \(call) failed: \(errno)"
            }
        }
    }

    /// Claims `datapath` for this process until `release()` or exit.
    /// - Throws: `Failure.servedBy` naming the holder, or `Failure.system`.
    public init(datapath: String) throws(Failure) {
        self.datapath = datapath
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .system(call: "socket", errno: Errno(rawValue: errno)) }
        let bound = Self.withAddress(of: datapath) { bind(fd, $0, $1) }
        if bound != 0 {
            let failure = Errno(rawValue: errno)
            close(fd)
            guard failure == .addressInUse else { throw .system(call: "bind", errno: failure) }
            throw .servedBy(pid: Self.holder(of: datapath), datapath: datapath)
        }
        guard listen(fd, 16) == 0 else {
            let failure = Errno(rawValue: errno)
            close(fd)
            throw .system(call: "listen", errno: failure)
        }
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// The pid of the process holding the claim on `datapath`, if it can
    /// be asked (a non-blocking connect: a full backlog gives up, not waits).
    static func holder(of datapath: String) -> Int32? {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        guard withAddress(of: datapath, { connect(fd, $0, $1) }) == 0 else { return nil }
        // struct ucred: pid, uid, gid.
        var credentials: (Int32, UInt32, UInt32) = (0, 0, 0)
        var length = socklen_t(MemoryLayout.size(ofValue: credentials))
        guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0, credentials.0 > 0 else { return nil }
        return credentials.0
    }

    /// Runs `body` with the abstract address `@vtep-kdp/<datapath>` and its length.
    private static func withAddress(of datapath: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let name = Array("vtep-kdp/\(datapath)".utf8.prefix(MemoryLayout.size(ofValue: address.sun_path) - 1))
        withUnsafeMutableBytes(of: &address.sun_path) { path in
            path[0] = 0  // the abstract namespace
            for (index, byte) in name.enumerated() { path[index + 1] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + 1 + name.count)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }
}
