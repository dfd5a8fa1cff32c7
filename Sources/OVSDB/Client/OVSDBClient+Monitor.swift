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
        let schema = try await call("get_schema", [.string(Replica.databaseName)], in: session) {
            (_, message) throws(OVSDBError) -> ServerSchema in
            guard let result = message.result else { return ServerSchema() }
            do {
                return try message.read(result) { (reader) throws(JSONError) in try ServerSchema(reading: &reader) }
            } catch {
                throw .protocolViolation(remote: session.remote.description, reason: "get_schema reply: \(error)")
            }
        }
        let required = Replica.requiredSchemaVersion
        guard let version = OVSDBSchemaVersion(schema.version), version.satisfies(required) else {
            throw .schemaMismatch(
                database: Replica.databaseName, found: schema.version.isEmpty ? "(none)" : schema.version,
                expected: "\(required.major).x ≥ \(required)")
        }
        // An older schema than the replica knows: monitor what it has, and say once what is missing.
        session.serverColumns = schema.columns
        var missing: [String: Set<String>] = [:]
        for (table, columns) in Replica.monitoredTables where !schema.columns.isEmpty {  // no tables listed: nothing known
            let lacking = Set(columns).subtracting(schema.columns[table] ?? [])
            if !lacking.isEmpty { missing[table] = lacking }
        }
        if !missing.isEmpty, missing != missingColumns {
            let list = missing.sorted { $0.key < $1.key }.flatMap { table, columns in columns.sorted().map { "\(table).\($0)" } }
            logger.warning(
                "OVSDB: \(Replica.databaseName) \(schema.version) at \(session.remote) has no \(list.joined(separator: ", ")); vtep-kdp goes on without them (neither read nor written)"
            )
        }
        missingColumns = missing
    }

    /// The monitored tables and columns that `session`'s server has.
    private func monitorable(_ session: Session) -> [(table: String, columns: [String])] {
        Replica.monitoredTables.compactMap { table, columns in
            guard let present = session.serverColumns[table] else { return session.serverColumns.isEmpty ? (table, columns) : nil }
            return (table, columns.filter(present.contains))
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
                    try await call("monitor_cond_since", [database, monitorID, conditionalRequests(session), since], in: session) {
                        (client, message) throws(OVSDBError) in try client.applyMonitorReply(message, since: true, in: session)
                    }
                case .cond:
                    try await call("monitor_cond", [database, monitorID, conditionalRequests(session)], in: session) {
                        (client, message) throws(OVSDBError) in try client.applyMonitorReply(message, since: false, in: session)
                    }
                case .plain:
                    try await call("monitor", [database, monitorID, plainRequests(session)], in: session) {
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

    private func conditionalRequests(_ session: Session) -> JSONValue {
        .object(monitorable(session).map { ($0.table, [["columns": .array($0.columns.map { .string($0) })]]) })
    }

    private func plainRequests(_ session: Session) -> JSONValue {
        .object(monitorable(session).map { ($0.table, ["columns": .array($0.columns.map { .string($0) })]) })
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
