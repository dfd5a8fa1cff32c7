import CNetlink
import SystemPackage

/// Why a netlink operation failed, always with the operation and the object
/// it was about ("create vport 'p0' on datapath 'ovs-system'"), so a log line
/// or a CLI message stands on its own.
public struct NetlinkError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, apart from which operation and object it hit.
    public enum Cause: Sendable, Equatable {
        /// The kernel refused the request with this errno; `message` is its
        /// extended-ack text when it gave one.
        case kernel(errno: Int32, message: String?)
        /// A socket call failed before the kernel saw the request.
        case system(call: String, errno: Int32)
        /// The socket's receive queue overflowed (ENOBUFS): notifications or
        /// replies were lost, so the caller must re-read the kernel's state.
        case resyncNeeded
        /// The kernel has no such generic netlink family (module not loaded).
        case familyUnavailable(family: String)
        /// The request was refused before sending: it cannot be valid.
        case invalidArgument(String)
        /// A reply did not parse.
        case malformedReply(NetlinkDecodingError)
        /// No reply within the socket's receive timeout.
        case timedOut
    }

    /// What was being done, for messages ("add vport", "create flow").
    public let operation: String
    /// What it was done to, for messages ("p0 on datapath 'ovs-system'"); empty
    /// when the operation says it all.
    public let object: String
    /// What went wrong.
    public let cause: Cause

    /// An error from its parts; `description` makes the sentence.
    public init(operation: String, object: String, cause: Cause) {
        self.operation = operation
        self.object = object
        self.cause = cause
    }

    /// The errno behind a kernel or system failure.
    public var errno: Int32? {
        switch cause {
        case .kernel(let errno, _), .system(_, let errno): return errno
        case .resyncNeeded: return ENOBUFS
        case .timedOut: return EAGAIN
        default: return nil
        }
    }

    /// One self-contained sentence: the operation, the object, and the cause
    /// with the errno's C name and text ("the kernel refused with ENODEV (No such
    /// device)").
    public var description: String {
        let subject = object.isEmpty ? operation : "\(operation) '\(object)'"
        switch cause {
        case .kernel(let errno, let message):
            let extra = message.map { ": \($0)" } ?? ""
            return "\(subject): the kernel refused with \(ErrnoName.describe(errno))\(extra)"
        case .system(let call, let errno):
            return "\(subject): \(call) failed with \(ErrnoName.describe(errno))"
        case .resyncNeeded:
            return "\(subject): netlink receive queue overflowed (ENOBUFS); state must be re-read"
        case .familyUnavailable(let family):
            return
                "\(subject): the kernel has no generic netlink family '\(family)' (is the openvswitch module loaded? try 'modprobe openvswitch')"
        case .invalidArgument(let why):
            return "\(subject): \(why)"
        case .malformedReply(let error):
            return "\(subject): \(error)"
        case .timedOut:
            return "\(subject): no reply from the kernel in time"
        }
    }
}

/// errno values by their C names, for messages people read; the text is
/// swift-system's `Errno` (strerror's).
package enum ErrnoName {
    package static let names: [Int32: String] = [
        EPERM: "EPERM", ENOENT: "ENOENT", ESRCH: "ESRCH", EINTR: "EINTR", EIO: "EIO", ENXIO: "ENXIO",
        E2BIG: "E2BIG", EBADF: "EBADF", EAGAIN: "EAGAIN", ENOMEM: "ENOMEM", EACCES: "EACCES",
        EFAULT: "EFAULT", EBUSY: "EBUSY", EEXIST: "EEXIST", ENODEV: "ENODEV", EINVAL: "EINVAL",
        ENFILE: "ENFILE", EMFILE: "EMFILE", EFBIG: "EFBIG", ENOSPC: "ENOSPC", ERANGE: "ERANGE",
        EMSGSIZE: "EMSGSIZE", EPROTONOSUPPORT: "EPROTONOSUPPORT", EOPNOTSUPP: "EOPNOTSUPP",
        EAFNOSUPPORT: "EAFNOSUPPORT", EADDRINUSE: "EADDRINUSE", ENETDOWN: "ENETDOWN",
        ENOBUFS: "ENOBUFS", ETIMEDOUT: "ETIMEDOUT", ECONNREFUSED: "ECONNREFUSED", EOVERFLOW: "EOVERFLOW",
        ELOOP: "ELOOP", ENAMETOOLONG: "ENAMETOOLONG",
    ]

    /// "EEXIST (File exists)".
    package static func describe(_ errno: Int32) -> String {
        let text = Errno(rawValue: errno).description
        if let name = names[errno] { return "\(name) (\(text))" }
        return "errno \(errno) (\(text))"
    }
}
