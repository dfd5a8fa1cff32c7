import Foundation
import OVSDB

/// What `ovs-appctl` does, for vtep-kdp's own commands: one request to a
/// control socket, its reply. Blocking and short: for a CLI, not a daemon.
public enum UnixctlClient {
    /// Why a call got no result.
    public enum Failure: Error, CustomStringConvertible {
        /// The socket could not be reached (no daemon, or not this user's to ask).
        case unreachable(String)
        /// The server answered with an error.
        case refused(String)
        /// The reply was not JSON-RPC.
        case badReply(String)

        /// A line for the CLI.
        public var description: String {
            switch self {
            case .unreachable(let why): "control socket unreachable: \(why)"
            case .refused(let error): error
            case .badReply(let why): "bad reply from the control socket: \(why)"
            }
        }
    }

    /// The control socket of the daemon whose pid file is
    /// `<rundir>/<program>.pid`, as ovs-appctl finds it; nil when there is
    /// no pid file.
    public static func socketPath(program: String, rundir: String) -> String? {
        guard let text = try? String(contentsOfFile: "\(rundir)/\(program).pid", encoding: .utf8),
            let pid = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else { return nil }
        return "\(rundir)/\(program).\(pid).ctl"
    }

    /// Calls `method` with `arguments` on the socket at `path`, waiting at
    /// most `timeout` seconds; returns the result text.
    public static func call(_ path: String, _ method: String, _ arguments: [String] = [], timeout: Int = 10) throws(Failure) -> String {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw .unreachable(String(cString: strerror(errno))) }
        defer { close(fd) }
        var wait = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw .unreachable("path too long: \(path)") }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes + [0]) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { throw .unreachable("\(path): \(String(cString: strerror(errno)))") }
        let request = JSONValue.object([("id", 0), ("method", .string(method)), ("params", .array(arguments.map { .string($0) }))]).text
        guard (request.utf8.withContiguousStorageIfAvailable { send(fd, $0.baseAddress, $0.count, 0) } ?? -1) == request.utf8.count else {
            throw .unreachable("\(path): \(String(cString: strerror(errno)))")
        }
        var received: [UInt8] = []
        var framer = JSONFramer(maxMessageBytes: 64 << 20)
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let length = try? received.withUnsafeBytes { try framer.nextMessageLength(in: $0) }
            if let length {
                return try result(of: Array(received[..<length]))
            }
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { throw .badReply(count == 0 ? "closed before a whole reply" : String(cString: strerror(errno))) }
            received += chunk[..<count]
            framer = JSONFramer(maxMessageBytes: 64 << 20)  // scanned again from the start, with more bytes
        }
    }

    private static func result(of bytes: [UInt8]) throws(Failure) -> String {
        let reply: OVSDBMessage
        do { reply = try OVSDBMessage(bytes: bytes) } catch { throw .badReply("\(error)") }
        if let error = reply.error, reply.text(of: error) != "null" { throw .refused(reply.errorDescription ?? reply.text(of: error)) }
        guard let result = reply.result, let text = try? reply.read(result, { (reader) throws(JSONError) in try reader.readString() })
        else { throw .badReply("no result text") }
        return text
    }
}
