import Logging
import NIOCore
import NIOPosix

/// What the client reports to its consumer, in order.
public enum OVSDBEvent<Change: Sendable>: Sendable {
    /// Connected to a server and about to (re)synchronise.
    case connected(OVSDBRemote)
    /// Rows changed, in the order the server changed them: every update
    /// that arrived in one read from the connection (one transaction when
    /// they arrive one by one; a burst of them when the client is behind),
    /// or one resynchronisation.
    case changes([Change])
    /// The replica matches the server again (after the initial monitor reply).
    case synced
    /// The connection ended; the client is reconnecting.
    case disconnected(OVSDBError)
}

/// An OVSDB client (RFC 7047 plus OVS's extensions) that keeps a replica of
/// one database and writes to it.
///
/// `run()` owns the connection: it connects to one of the remotes (for a
/// cluster: a member that is connected and the leader, left for another
/// as soon as it no longer is), checks the schema,
/// monitors the replica's tables and applies every update in order; when
/// the connection ends it reconnects with backoff and resumes with
/// `monitor_cond_since`, so only what changed meanwhile is sent again —
/// or, on servers without it, reloads and reports just the difference.
public actor OVSDBClient<Replica: OVSDBReplica> {
    /// One connection's state (see `OVSDBSession`).
    typealias Session = OVSDBSession

    /// How the client probes a silent server, backs off between connection
    /// attempts, and bounds what it accepts.
    public struct Options: Sendable {
        /// Send an echo after this long without input; give up after twice it.
        public var inactivityProbe: Duration = .seconds(5)
        /// Probe `unix:` remotes too. OVS does not: the kernel reports a
        /// local peer that went away, and a local ovsdb-server busy with a
        /// large commit would otherwise be hung up on again and again.
        public var probeUnixSockets = false
        /// The first wait before reconnecting once every remote has failed; it
        /// doubles on each further round up to `maxBackoff`.
        public var minBackoff: Duration = .milliseconds(100)
        /// The longest wait between reconnection rounds.
        public var maxBackoff: Duration = .seconds(8)
        /// The largest JSON-RPC message accepted, in bytes; a larger one ends the
        /// connection (a monitor reply can be 20 MB).
        public var maxMessageBytes = 256 * 1024 * 1024
        /// Only talk to a cluster's leader (what a writer wants).
        public var leaderOnly = true
        /// The longest a `transact` waits, for a synchronised connection and
        /// then for its reply, before it throws `.timedOut`: a write never
        /// stalls its caller for good.
        public var transactTimeout: Duration = .seconds(30)
        /// The defaults: probe after 5 s of silence (not `unix:` remotes),
        /// reconnect after 0.1 s doubling up to 8 s, messages up to 256 MiB,
        /// the leader only, transactions given 30 s.
        public init() {}
    }

    /// The servers to try, in turn: one, or the members of a cluster.
    public let remotes: [OVSDBRemote]
    /// The loop every connection of this client lives on, and the actor's
    /// executor: a received message is decoded and applied on the thread
    /// that read it (see `OVSDBMessageHandler`).
    let eventLoop: any EventLoop
    private let executor: any SerialExecutor
    /// The executor of the event loop the connection lives on, so the actor
    /// runs on the thread that reads.
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    let tls: OVSDBTLSFiles?
    let options: Options
    let logger: Logger

    /// The current copy of the database.
    public internal(set) var replica = Replica()
    /// Whether the replica matches the server (false while reconnecting).
    public internal(set) var isSynced = false
    /// What happens, in order: connections, batches of typed changes,
    /// synchronisation, disconnections. Consume it from one task.
    public nonisolated let events: AsyncStream<OVSDBEvent<Replica.Change>>
    let eventSink: AsyncStream<OVSDBEvent<Replica.Change>>.Continuation

    /// The connection in use, if any.
    var session: Session?
    /// The server connected to, if any — synced or still loading.
    public var connectedRemote: OVSDBRemote? { session?.remote }
    /// Calls waiting for a connection.
    var waitingForSession: [CheckedContinuation<Void, Never>] = []
    /// Whether `replica` was ever loaded (a reload is then compared with it).
    var hasReplica = false
    /// Where `monitor_cond_since` resumes from.
    var lastTransactionID: String?
    /// The columns of the replica's tables that the synchronised server's
    /// schema lacks (an older schema version): never filled, never written.
    public internal(set) var missingColumns: [String: Set<String>] = [:]
    var remoteIndex = 0

    /// A client of `remotes` that does nothing until `run()`.
    /// - Parameters:
    ///   - remotes: the servers to connect to, in order of preference; not empty.
    ///   - tls: keys and certificates for `ssl:` remotes.
    ///   - options: probing, backoff and size limits.
    ///   - logger: where connection events are logged.
    public init(
        remotes: [OVSDBRemote], tls: OVSDBTLSFiles? = nil, options: Options = Options(),
        logger: Logger = Logger(label: "vtep-kdp.ovsdb")
    ) {
        precondition(!remotes.isEmpty, "an OVSDB client needs at least one remote")
        self.remotes = remotes
        eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        executor = eventLoop.executor
        self.tls = tls
        self.options = options
        self.logger = logger
        (events, eventSink) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
    }

    /// Connects, monitors and reconnects until the task is cancelled.
    public func run() async {
        var backoff = options.minBackoff
        while !Task.isCancelled {
            let remote = remotes[remoteIndex % remotes.count]
            let started = ContinuousClock.now
            let error = await runSession(remote)
            guard !Task.isCancelled else { break }
            isSynced = false
            flushChanges()
            eventSink.yield(.disconnected(error))
            logger.warning("OVSDB \(remote): \(error); reconnecting")
            // Try the next member at once if this one is not usable; back
            // off only once every remote has failed in a row.
            remoteIndex += 1
            if ContinuousClock.now - started > options.maxBackoff * 2 { backoff = options.minBackoff }
            if remoteIndex % remotes.count == 0 || remotes.count == 1 {
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, options.maxBackoff)
            }
        }
        failSession(.cancelled)
        eventSink.finish()
    }

    /// Waits until the replica has caught up with a server, or until the
    /// waiting task is cancelled.
    public func waitUntilSynced() async {
        while !isSynced && !Task.isCancelled {
            await withTaskCancellationHandler {
                await withCheckedContinuation { waitingForSync.append($0) }
            } onCancel: {
                Task { await self.wakeSyncWaiters() }
            }
        }
    }

    /// Waits at most `timeout` for the replica to catch up; says whether it did.
    public func waitUntilSynced(timeout: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { [self] in
                await waitUntilSynced()
                return await isSynced
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first || isSynced
        }
    }

    /// Resumes every waiter, so a cancelled one can leave (the others look again).
    private func wakeSyncWaiters() {
        for waiter in waitingForSync { waiter.resume() }
        waitingForSync.removeAll()
    }

    var waitingForSync: [CheckedContinuation<Void, Never>] = []

    /// Changes applied to the replica and not yet reported: every update in
    /// one read from the connection goes to the consumer as one event, so a
    /// burst costs the consumer one wake-up, not one per update.
    var unreportedChanges: [Replica.Change] = []

    func report(_ changes: [Replica.Change]) {
        // Usually nothing is waiting: take the array as it is rather than
        // copying 100,000 changes of a monitor reply into an empty one.
        if unreportedChanges.isEmpty { unreportedChanges = changes } else { unreportedChanges += changes }
    }

    /// Reports what `report` gathered; at the end of each read, and before
    /// any other event so the order holds.
    func flushChanges() {
        guard !unreportedChanges.isEmpty else { return }
        eventSink.yield(.changes(unreportedChanges))
        unreportedChanges = []
    }

    func markSynced() {
        isSynced = true
        flushChanges()
        eventSink.yield(.synced)
        wakeSyncWaiters()
    }
}
