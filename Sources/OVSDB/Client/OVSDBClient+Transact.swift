/// What one operation of a transaction returned.
public struct OVSDBOperationResult: Sendable, Equatable {
    /// The row an insert created.
    public var uuid: OVSDBUUID?
    /// Rows an update, mutate or delete touched.
    public var count: Int?
    /// The rows a select returned, as JSON text (selects are rare here:
    /// the replica usually answers).
    public var rowsJSON: String?
}

extension OVSDBClient {
    /// Runs `operations` as one transaction on the database, waiting for a
    /// synchronised connection first. A failed operation throws
    /// `.operationFailed` naming it (the whole transaction is then void);
    /// a connection lost mid-call throws `.connectionLost`, after which the
    /// transaction may or may not have committed — write idempotently.
    /// Neither the wait nor the reply takes longer than `Options.transactTimeout`
    /// (`.timedOut`; the transaction may still commit later, as after a lost
    /// connection).
    public func transact(_ operations: [JSONValue]) async throws(OVSDBError) -> [OVSDBOperationResult] {
        let deadline = ContinuousClock.now + options.transactTimeout
        while session == nil || !isSynced {
            if Task.isCancelled { throw .cancelled }
            if ContinuousClock.now >= deadline { throw transactTimedOut(remote: remotes.map(\.description).joined(separator: ",")) }
            // Woken when a session is ready, or at the deadline at the latest.
            let alarm = Task { [weak self] in
                try await Task.sleep(until: deadline)
                await self?.wakeSessionWaiters()
            }
            await withCheckedContinuation { waitingForSession.append($0) }
            alarm.cancel()
        }
        guard let session else { throw .cancelled }
        let params = JSONValue.array([.string(Replica.databaseName)] + operations)
        let remote = session.remote.description
        let count = operations.count
        let timeout = deadline - ContinuousClock.now
        return try await call("transact", params, in: session, timeout: timeout) { (_, message) throws(OVSDBError) in
            guard let result = message.result else { throw .protocolViolation(remote: remote, reason: "transact reply without result") }
            let decoded: [(OVSDBOperationResult, error: String?, details: String)]
            do {
                decoded = try message.read(result) { (reader) throws(JSONError) in
                    var results: [(OVSDBOperationResult, error: String?, details: String)] = []
                    try reader.readArray { (reader) throws(JSONError) in
                        var entry = OVSDBOperationResult()
                        var error: String?, details = ""
                        if try !reader.readNullIfPresent() {
                            try reader.readObject { (reader, name) throws(JSONError) in
                                switch name {
                                case "uuid": entry.uuid = try OVSDBUUID.decodeAtom(&reader)
                                case "count": entry.count = try reader.readInteger()
                                case "error": error = try reader.readString()
                                case "details": details = try reader.readString()
                                case "rows":
                                    let range = try reader.skipValueRange()
                                    entry.rowsJSON = message.text(of: range)
                                default: try reader.skipValue()
                                }
                            }
                        }
                        results.append((entry, error, details))
                    }
                    return results
                }
            } catch {
                throw .protocolViolation(remote: remote, reason: "transact reply: \(error)")
            }
            // A result past the last operation is the commit's own error.
            if let index = decoded.firstIndex(where: { $0.error != nil }) {
                let (error, details) = (decoded[index].error ?? "", decoded[index].details)
                if index >= count { throw .commitFailed(error: error, details: details) }
                throw .operationFailed(index: index, error: error, details: details)
            }
            return decoded.map(\.0)
        }
    }

    /// Resumes everyone waiting for a session, so each looks again (and a
    /// transaction past its deadline gives up).
    func wakeSessionWaiters() {
        for waiter in waitingForSession { waiter.resume() }
        waitingForSession.removeAll()
    }

    /// The error of a transaction that ran out of time.
    func transactTimedOut(remote: String) -> OVSDBError {
        .timedOut(remote: remote, seconds: Int(options.transactTimeout.components.seconds))
    }
}
