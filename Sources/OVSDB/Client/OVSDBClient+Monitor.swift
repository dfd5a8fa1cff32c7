/// Bringing the replica up to date on a new connection: cluster check (and
/// watch), schema check, then the best monitor the server offers.
extension OVSDBClient {
    /// Returns nil once the replica is synchronised (the session then runs
    /// on updates), or the error that makes this server unusable.
    func synchronize(_ session: Session) async -> OVSDBError? {
        do throws(OVSDBError) {
            if try await checkClusterMembership(session) { try await monitorClusterMembership(session) }
            try await checkSchema(session)
            try await monitor(session)
            // The `_Server` watch may have left the member while the
            // replica loaded: that session must not be offered to writers.
            if let failure = session.failure { return failure }
            markSynced()
            logger.info("OVSDB: \(Replica.databaseName) synchronised from \(session.remote)")
            wakeSessionWaiters()
            return nil
        } catch {
            abort(session, error)
            return error
        }
    }

    private func checkSchema(_ session: Session) async throws(OVSDBError) {
        let found: String = try await call("get_schema", [.string(Replica.databaseName)], in: session) { (_, message) throws(OVSDBError) in
            guard let result = message.result else { return "" }
            do {
                return try message.read(result) { (reader) throws(JSONError) in
                    var version = ""
                    try reader.readObject { (reader, name) throws(JSONError) in
                        if name == "version" { version = try reader.readString() } else { try reader.skipValue() }
                    }
                    return version
                }
            } catch {
                throw .protocolViolation(remote: session.remote.description, reason: "get_schema reply: \(error)")
            }
        }
        let required = Replica.requiredSchemaVersion
        guard let version = OVSDBSchemaVersion(found), version.satisfies(required) else {
            throw .schemaMismatch(
                database: Replica.databaseName, found: found.isEmpty ? "(none)" : found,
                expected: "\(required.major).x ≥ \(required)")
        }
    }

    /// `monitor_cond_since` (resumes from the last transaction seen), else
    /// `monitor_cond` (update2 diffs), else RFC 7047's `monitor`.
    private func monitor(_ session: Session) async throws(OVSDBError) {
        let database = JSONValue.string(Replica.databaseName)
        let monitorID = JSONValue.string(Replica.databaseName)
        while true {
            do {
                switch session.monitorMethod {
                case .condSince:
                    let since = JSONValue.string(lastTransactionID ?? "00000000-0000-0000-0000-000000000000")
                    try await call("monitor_cond_since", [database, monitorID, conditionalRequests, since], in: session) {
                        (client, message) throws(OVSDBError) in try client.applyMonitorReply(message, since: true, in: session)
                    }
                case .cond:
                    try await call("monitor_cond", [database, monitorID, conditionalRequests], in: session) {
                        (client, message) throws(OVSDBError) in try client.applyMonitorReply(message, since: false, in: session)
                    }
                case .plain:
                    try await call("monitor", [database, monitorID, plainRequests], in: session) {
                        (client, message) throws(OVSDBError) in try client.applyMonitorReply(message, since: false, in: session)
                    }
                }
                return
            } catch .serverError(let method, let text) where text.contains("unknown method") && session.monitorMethod != .plain {
                logger.info("OVSDB: \(session.remote) has no \(method); falling back")
                session.monitorMethod = session.monitorMethod == .condSince ? .cond : .plain
            }
        }
    }

    private var conditionalRequests: JSONValue {
        .object(Replica.monitoredTables.map { ($0.table, [["columns": .array($0.columns.map { .string($0) })]]) })
    }

    private var plainRequests: JSONValue {
        .object(Replica.monitoredTables.map { ($0.table, ["columns": .array($0.columns.map { .string($0) })]) })
    }

    /// Runs on the actor before any later update: installs the monitor's
    /// initial contents. With `found` (monitor_cond_since resumed), the
    /// reply holds only what changed since; otherwise a fresh copy replaces
    /// the replica and only the difference is reported.
    private func applyMonitorReply(_ message: OVSDBMessage, since: Bool, in session: Session) throws(OVSDBError) {
        guard let result = message.result else {
            throw .protocolViolation(remote: session.remote.description, reason: "monitor reply without result")
        }
        let format: OVSDBUpdateFormat = session.monitorMethod == .plain ? .update : .update2
        var changes: [Replica.Change] = []
        do throws(JSONError) {
            try message.read(result) { (reader) throws(JSONError) in
                var found = false
                if since {
                    guard try reader.beginArray() else { throw reader.error("empty monitor_cond_since reply") }
                    found = try reader.readBool()
                    guard try reader.nextElement() else { throw reader.error("short monitor_cond_since reply") }
                    lastTransactionID = try reader.readString()
                    guard try reader.nextElement() else { throw reader.error("short monitor_cond_since reply") }
                }
                if found {
                    try replica.apply(&reader, format: format, changes: &changes)
                } else if !hasReplica {
                    // The first load: every row is an insert.
                    var fresh = Replica()
                    try fresh.apply(&reader, format: format, changes: &changes)
                    replica = fresh
                } else {
                    var fresh = Replica()
                    var inserts: [Replica.Change] = []
                    try fresh.apply(&reader, format: format, changes: &inserts)
                    changes = replica.changes(to: fresh)
                    replica = fresh
                }
                hasReplica = true
                if since { guard try !reader.nextElement() else { throw reader.error("long monitor_cond_since reply") } }
            }
        } catch {
            lastTransactionID = nil
            throw .protocolViolation(remote: session.remote.description, reason: "monitor reply: \(error)")
        }
        report(changes)
    }
}
