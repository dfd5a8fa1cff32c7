import NIOCore

/// One connection's JSON-RPC state: calls in flight, and when the server
/// last said anything. Touched only on the client's actor — whose executor
/// is the connection's event loop, where messages are delivered — hence
/// unchecked.
final class OVSDBSession: @unchecked Sendable {
    let remote: OVSDBRemote
    /// Set once connected.
    var channel: (any Channel)?
    /// When bytes last arrived, even in the middle of a message (see
    /// `ReceiveActivity`): what the inactivity probe goes by.
    let activity = ReceiveActivity()
    var pending: [Int: Pending] = [:]
    var nextID = 1
    var probeSent = false
    /// Set when the client itself ends the connection, to say why.
    var failure: OVSDBError?
    /// Which monitor method the server accepted.
    var monitorMethod: MonitorMethod = .condSince
    /// The server's tables and their columns, from its schema.
    var serverColumns: [String: Set<String>] = [:]

    enum MonitorMethod { case condSince, cond, plain }

    struct Pending {
        let onReply: (OVSDBMessage) -> Void
        let onFailure: (OVSDBError) -> Void
    }

    init(remote: OVSDBRemote) {
        self.remote = remote
    }
}
