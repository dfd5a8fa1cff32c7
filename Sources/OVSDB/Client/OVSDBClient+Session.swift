import NIOCore

extension OVSDBClient {

    /// Runs one connection from connect to its end and returns why it ended.
    func runSession(_ remote: OVSDBRemote) async -> OVSDBError {
        let session = Session(remote: remote)
        let channel: any Channel
        do {
            // Messages are handled on the connection's loop, which is this
            // actor's executor: `assumeIsolated` is then a check, not a hop.
            channel = try await OVSDBTransport.connect(
                to: remote, on: eventLoop, tls: tls, logger: logger, maxMessageBytes: options.maxMessageBytes, activity: session.activity,
                // Strong: the pipeline, and these with it, go when the channel closes.
                deliver: { frames in
                    self.assumeIsolated { client in for frame in frames { client.receive(frame, in: session) } }
                },
                readComplete: { self.assumeIsolated { $0.flushChanges() } },
                fail: { error in
                    self.assumeIsolated { $0.abort(session, .connectionLost(remote: remote.description, reason: "\(error)")) }
                })
        } catch {
            return error
        }
        logger.info("OVSDB: connected to \(remote)")
        session.channel = channel
        self.session = session
        flushChanges()
        eventSink.yield(.connected(remote))
        let ending = await withTaskGroup(of: OVSDBError?.self) { group in
            group.addTask { await self.synchronize(session) }
            group.addTask { await self.probe(session) }
            group.addTask {
                await withTaskCancellationHandler {
                    try? await channel.closeFuture.get()
                } onCancel: {
                    channel.close(promise: nil)
                }
                return await self.closeReason(session)
            }
            var ending: OVSDBError = .cancelled
            for await result in group {
                if let result { ending = result; break }
            }
            // The other tasks may be waiting on the server: end their calls
            // and the connection so they return.
            self.failCalls(of: session, session.failure ?? ending)
            channel.close(promise: nil)
            group.cancelAll()
            return ending
        }
        failSession(session.failure ?? ending)
        return session.failure ?? ending
    }

    /// Why the connection closed. Asked on the actor, whose jobs run in
    /// order on the connection's loop: a reply read before the close (a
    /// monitor reply that does not parse, a schema of another version) has
    /// by then been handled and its failure recorded, so that failure — not
    /// the server's hang-up after it — is what the session ends with.
    private func closeReason(_ session: Session) -> OVSDBError {
        session.failure ?? .connectionLost(remote: session.remote.description, reason: "closed by the server")
    }

    /// Ends the session's calls with `error`, and forgets the session.
    func failSession(_ error: OVSDBError) {
        guard let session else { return }
        self.session = nil
        failCalls(of: session, error)
    }

    func failCalls(of session: Session, _ error: OVSDBError) {
        let pending = session.pending
        session.pending.removeAll()
        for call in pending.values { call.onFailure(error) }
    }

    /// Ends the connection because of something the server did.
    func abort(_ session: Session, _ error: OVSDBError) {
        if session.failure == nil { session.failure = error }
        session.channel?.close(promise: nil)
    }

    // MARK: Sending

    func send(_ message: JSONValue, in session: Session) {
        var bytes: [UInt8] = []
        message.write(to: &bytes)
        session.channel?.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
    }

    /// Calls `method` and decodes the reply with `decode`, which runs on the
    /// client's actor before any later message is handled — a monitor reply
    /// is applied before the updates that follow it.
    func call<T: Sendable>(
        _ method: String, _ params: JSONValue, in session: Session, timeout: Duration? = nil,
        decode: @escaping @Sendable (isolated OVSDBClient, OVSDBMessage) throws(OVSDBError) -> T
    ) async throws(OVSDBError) -> T {
        let id = session.nextID
        // With a timeout, an alarm fails the call if no reply came by then.
        let alarm = timeout.map { timeout in
            Task { [weak self] in
                try await Task.sleep(for: timeout)
                await self?.expire(id, in: session)
            }
        }
        defer { alarm?.cancel() }
        let result: Result<T, OVSDBError> = await withCheckedContinuation { continuation in
            session.nextID += 1
            session.pending[id] = Session.Pending(
                onReply: { [unowned self] message in
                    self.assertIsolated()
                    if let error = message.errorDescription {
                        continuation.resume(returning: .failure(.serverError(method: method, message: error)))
                        return
                    }
                    do throws(OVSDBError) {
                        continuation.resume(returning: .success(try decode(self, message)))
                    } catch {
                        continuation.resume(returning: .failure(error))
                    }
                },
                onFailure: { continuation.resume(returning: .failure($0)) })
            send(["id": .integer(id), "method": .string(method), "params": params], in: session)
        }
        return try result.get()
    }

    /// Fails call `id` as timed out, unless its reply came first.
    private func expire(_ id: Int, in session: Session) {
        guard let pending = session.pending.removeValue(forKey: id) else { return }
        pending.onFailure(transactTimedOut(remote: session.remote.description))
    }

    // MARK: Receiving

    func receive(_ frame: ByteBuffer, in session: Session) {
        session.probeSent = false
        let message: OVSDBMessage
        do { message = try OVSDBMessage(buffer: frame) } catch {
            abort(session, .protocolViolation(remote: session.remote.description, reason: "\(error)"))
            return
        }
        switch message.kind {
        case .reply:
            if case .number(let id) = message.id, let call = session.pending.removeValue(forKey: id) {
                call.onReply(message)
            }
        // Anything else answers our echo probe.
        case .request:
            if message.method == "echo" {
                send(["id": message.id.json, "result": echoParams(message), "error": nil], in: session)
            } else {
                send(
                    [
                        "id": message.id.json, "result": nil,
                        "error": ["error": "unknown method", "details": .string(message.method ?? "")],
                    ],
                    in: session)
            }
        case .notification:
            switch message.method {
            case "update", "update2", "update3":
                if isClusterUpdate(message) { applyClusterUpdate(message, in: session) } else { applyNotification(message, in: session) }
            default:
                break  // locked / stolen: no locks are taken
            }
        }
    }

    /// Echo replies carry the request's params back unchanged. They are
    /// short strings in practice; anything else is answered with [].
    private func echoParams(_ message: OVSDBMessage) -> JSONValue {
        guard let params = message.params else { return [] }
        let strings = try? message.read(params) { (reader) throws(JSONError) -> [JSONValue] in
            var values: [JSONValue] = []
            try reader.readArray { (reader) throws(JSONError) in values.append(.string(try reader.readString())) }
            return values
        }
        return .array(strings ?? [])
    }

    private func applyNotification(_ message: OVSDBMessage, in session: Session) {
        // Straight into what is to be reported: rows applied before an
        // error are in the replica, so they are reported too.
        do throws(JSONError) {
            if let transactionID = try replica.applyUpdateNotification(message, changes: &unreportedChanges) {
                lastTransactionID = transactionID
            }
        } catch {
            // The replica may be half-updated: reload it in full next time.
            lastTransactionID = nil
            abort(session, .protocolViolation(remote: session.remote.description, reason: "\(message.method ?? ""): \(error)"))
        }
    }

    // MARK: Inactivity probe

    /// After `inactivityProbe` of silence, send an echo; after twice that,
    /// give up on the server (a stalled one included).
    func probe(_ session: Session) async -> OVSDBError? {
        let interval = options.inactivityProbe
        if case .unix = session.remote, !options.probeUnixSockets { return nil }
        while !Task.isCancelled {
            try? await Task.sleep(for: interval / 4)
            let idle = ContinuousClock.now - session.activity.lastReceived
            if idle >= interval * 2 {
                let seconds = Int((interval * 2).components.seconds)
                abort(session, .timedOut(remote: session.remote.description, seconds: seconds))
                return .timedOut(remote: session.remote.description, seconds: seconds)
            }
            if idle >= interval && !session.probeSent {
                session.probeSent = true
                send(["id": "echo", "method": "echo", "params": []], in: session)
            }
        }
        return nil
    }
}
