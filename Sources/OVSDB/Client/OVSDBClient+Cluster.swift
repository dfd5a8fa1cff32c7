/// Where a member of a clustered database stands, as its `_Server`
/// database's `Database` row says: whether the database is clustered, the
/// member still hears from the cluster, and it is the leader.
struct OVSDBClusterStanding {
    var name = ""
    var clustered = false
    var connected = false
    var leader = false

    /// The `_Server` monitor's id. Not an OVSDB identifier, so it can never
    /// be the replica's monitor id (its database's name).
    static let monitorID: StaticString = "_Server/Database"
    static let columns: [JSONValue] = ["name", "model", "connected", "leader"]

    /// Decodes a `Database` row, or the part of one an update holds.
    init(_ reader: inout JSONReader) throws(JSONError) {
        try reader.readObject { (reader, column) throws(JSONError) in
            switch column {
            case "name": name = try String.decodeDatum(&reader)
            case "model": clustered = try String.decodeDatum(&reader) == "clustered"
            case "connected": connected = try Bool.decodeDatum(&reader)
            case "leader": leader = try Bool.decodeDatum(&reader)
            default: try reader.skipValue()
            }
        }
    }

    /// Why a member standing so is no use to the client, as the end of a
    /// sentence that starts with the member's name; nil if it is.
    func unfit(leaderOnly: Bool) -> String? {
        guard clustered else { return nil }
        if !connected { return "has lost its connection to the \(name) cluster" }
        if leaderOnly && !leader { return "is no longer the leader of the \(name) cluster" }
        return nil
    }
}

/// A clustered database may be served by a member that has lost the
/// cluster (stale) or is not the leader; `_Server` says which, once at
/// connect and then, through a monitor, for as long as the session lasts.
extension OVSDBClient {
    /// Refuses a member that is not fit now, and says whether the database
    /// is clustered. A standalone server, or one too old to have
    /// `_Server`, passes.
    func checkClusterMembership(_ session: Session) async throws(OVSDBError) -> Bool {
        let params: JSONValue = [
            "_Server",
            [
                "op": "select", "table": "Database",
                "where": [["name", "==", .string(Replica.databaseName)]],
                "columns": .array(OVSDBClusterStanding.columns),
            ],
        ]
        let standing: OVSDBClusterStanding?
        do {
            standing = try await call("transact", params, in: session) { (_, message) throws(OVSDBError) in
                guard let result = message.result else { return nil }
                do {
                    return try message.read(result) { (reader) throws(JSONError) in
                        var standing: OVSDBClusterStanding?
                        try reader.readArray { (reader) throws(JSONError) in
                            try reader.readObject { (reader, name) throws(JSONError) in
                                guard name == "rows" else { try reader.skipValue(); return }
                                try reader.readArray { (reader) throws(JSONError) in standing = try OVSDBClusterStanding(&reader) }
                            }
                        }
                        return standing
                    }
                } catch {
                    throw .protocolViolation(remote: session.remote.description, reason: "_Server reply: \(error)")
                }
            }
        } catch .serverError {
            return false  // no _Server database: not a cluster member
        }
        guard let standing, standing.clustered else { return false }
        if standing.unfit(leaderOnly: options.leaderOnly) != nil { throw .notLeader(remote: session.remote.description) }
        return true
    }

    /// Watches the member's standing for the rest of the session: a leader
    /// that steps down still serves, and even forwards writes, so without
    /// this the client would stay on it. Its first contents are judged
    /// too, which closes the gap since the check.
    func monitorClusterMembership(_ session: Session) async throws(OVSDBError) {
        // RFC 7047's monitor: `_Server` is small and standalone, and its
        // `update` notifications can then never be the replica's.
        let params: JSONValue = [
            "_Server", .string("\(OVSDBClusterStanding.monitorID)"),
            ["Database": ["columns": .array(OVSDBClusterStanding.columns)]],
        ]
        let unfit: String? = try await call("monitor", params, in: session) { (client, message) throws(OVSDBError) in
            guard let result = message.result else { return nil }
            do {
                return try message.read(result) { (reader) throws(JSONError) in try client.judgeClusterUpdates(&reader) }
            } catch {
                throw .protocolViolation(remote: session.remote.description, reason: "_Server monitor reply: \(error)")
            }
        }
        if unfit != nil { throw .notLeader(remote: session.remote.description) }
    }

    /// Whether an update notification belongs to the `_Server` monitor.
    /// Only plain `update` can: the replica's own monitor sends those only
    /// from servers too old to be clustered, so the replica's path pays
    /// nothing for this.
    func isClusterUpdate(_ message: OVSDBMessage) -> Bool {
        guard message.method == "update", let params = message.params else { return false }
        let ours = try? message.buffer.withJSONReader(range: params) { (reader) throws(JSONError) -> Bool in
            guard try reader.beginArray() else { return false }
            return try reader.readStringIfEqual(OVSDBClusterStanding.monitorID)
        }
        return ours ?? false
    }

    /// Leaves a member whose standing changed for the worse. The replica
    /// stays as it is: the next member resumes it.
    func applyClusterUpdate(_ message: OVSDBMessage, in session: Session) {
        guard let params = message.params, session.failure == nil else { return }
        let unfit: String?
        do throws(JSONError) {
            unfit = try message.read(params) { (reader) throws(JSONError) -> String? in
                guard try reader.beginArray() else { throw reader.error("empty update params") }
                try reader.skipValue()  // the monitor id
                guard try reader.nextElement() else { throw reader.error("update without table updates") }
                let unfit = try judgeClusterUpdates(&reader)
                guard try !reader.nextElement() else { throw reader.error("extra update params") }
                return unfit
            }
        } catch {
            abort(session, .protocolViolation(remote: session.remote.description, reason: "_Server update: \(error)"))
            return
        }
        guard let unfit else { return }
        logger.warning("OVSDB: \(session.remote) \(unfit); leaving it for another member")
        abort(session, .notLeader(remote: session.remote.description))
    }

    /// Reads `_Server`'s table updates (RFC 7047 `update` format) and
    /// says why the member is now unfit, if it is.
    private func judgeClusterUpdates(_ reader: inout JSONReader) throws(JSONError) -> String? {
        var unfit: String?
        try reader.readObject { (reader, table) throws(JSONError) in
            guard table == "Database" else { try reader.skipValue(); return }
            try reader.readObject { (reader, _) throws(JSONError) in
                var old: OVSDBClusterStanding?, new: OVSDBClusterStanding?
                try reader.readObject { (reader, member) throws(JSONError) in
                    switch member {
                    case "old": old = try OVSDBClusterStanding(&reader)
                    case "new": new = try OVSDBClusterStanding(&reader)
                    default: try reader.skipValue()
                    }
                }
                // A modified row's "new" holds every column; its "old" only
                // those that changed, so it is read for a deletion alone.
                if let new {
                    if new.name == Replica.databaseName, let reason = new.unfit(leaderOnly: options.leaderOnly) { unfit = reason }
                } else if old?.name == Replica.databaseName {
                    unfit = "no longer serves \(Replica.databaseName)"
                }
            }
        }
        return unfit
    }
}
