/// Why an OVSDB exchange failed. Each case says what an operator can do
/// about it; the client reconnects on the transient ones by itself.
public enum OVSDBError: Error, Sendable, CustomStringConvertible {
    /// The remote string is not OVS remote syntax.
    case badRemote(String, reason: String)
    /// Connecting failed (refused, no such socket, TLS handshake, …).
    case connectFailed(remote: String, reason: String)
    /// The connection went away; calls in flight may or may not have taken effect.
    case connectionLost(remote: String, reason: String)
    /// The server sent something that is not valid OVSDB JSON-RPC.
    case protocolViolation(remote: String, reason: String)
    /// The server answered a call with an error.
    case serverError(method: String, message: String)
    /// The database's schema is not one this client understands.
    case schemaMismatch(database: String, found: String, expected: String)
    /// No reply within the inactivity probe interval.
    case timedOut(remote: String, seconds: Int)
    /// The server is a cluster member that cannot serve writes (not
    /// connected to the cluster, or not its leader).
    case notLeader(remote: String)
    /// A transaction's operation failed; `index` is its position.
    case operationFailed(index: Int, error: String, details: String)
    /// Every operation succeeded but the commit did not (a unique index or
    /// a referential constraint violated by the result).
    case commitFailed(error: String, details: String)
    case cancelled

    /// One sentence for a log line or a CLI message, naming the remote, method
    /// or operation concerned.
    public var description: String {
        switch self {
        case .badRemote(let remote, let reason): "bad OVSDB remote \"\(remote)\": \(reason)"
        case .connectFailed(let remote, let reason): "cannot connect to \(remote): \(reason)"
        case .connectionLost(let remote, let reason): "connection to \(remote) lost: \(reason)"
        case .protocolViolation(let remote, let reason): "\(remote) broke the OVSDB protocol: \(reason)"
        case .serverError(let method, let message): "\(method) failed: \(message)"
        case .schemaMismatch(let database, let found, let expected):
            "database \(database) has schema version \(found); vtep-kdp needs \(expected)"
        case .timedOut(let remote, let seconds): "\(remote) did not answer for \(seconds) s"
        case .notLeader(let remote): "\(remote) is a cluster member that is not the leader (or not connected to the cluster)"
        case .operationFailed(let index, let error, let details):
            "transaction operation \(index) failed: \(error)" + (details.isEmpty ? "" : " (\(details))")
        case .commitFailed(let error, let details):
            "transaction could not commit: \(error)" + (details.isEmpty ? "" : " (\(details))")
        case .cancelled: "cancelled"
        }
    }
}
