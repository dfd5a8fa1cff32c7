import OVSDB

/// The reasons a client's connections ended, as its events tell them, for
/// a test to wait on with a deadline (a bare `for await` on the events
/// would wait for good if none came).
actor DisconnectLog {
    private(set) var errors: [OVSDBError] = []
    private var watcher: Task<Void, Never>?

    /// Starts collecting `client`'s disconnections; the client's events
    /// are then this log's alone.
    func watch<Replica: OVSDBReplica>(_ client: OVSDBClient<Replica>) {
        watcher = Task {
            for await event in client.events {
                if case .disconnected(let error) = event { add(error) }
            }
        }
    }

    /// Stops collecting.
    func stop() { watcher?.cancel() }

    private func add(_ error: OVSDBError) { errors.append(error) }

    /// Whether any connection ended with `.notLeader`.
    var sawNotLeader: Bool { errors.contains { if case .notLeader = $0 { true } else { false } } }
}
