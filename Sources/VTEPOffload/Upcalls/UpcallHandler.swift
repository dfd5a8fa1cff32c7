import Logging
import OVSDatapathCore
import VTEPCompiler

/// What the kernel missed, turned into learning and frames sent on. It
/// queues misses (bounded, rate-limited per port), classifies a batch
/// against the last pass's bindings into the learned state, and sends each
/// missed frame on through the reconciler with the actions of the flow that
/// now matches it, so a first packet is not lost. The flows themselves are
/// the compiler's answer (`MissDecision.stageOneFlow`,
/// `sendingFlowIdentities`); the handler only asks.
final class UpcallHandler {
    /// The most misses kept waiting for the daemon's loop; more are dropped.
    static let maxPending = 4096

    private let reconciler: Reconciler
    private let logger: Logger
    private var pending: [Upcall] = []
    private var limiter = UpcallRateLimiter()
    private var lines = LogLineBudget()
    /// Missed frames sent on, and misses dropped before classifying.
    private(set) var handled = 0
    private(set) var dropped = 0
    /// VXLAN frames that reached userspace from a sender no locator of its
    /// VNI (the first of each sender, before its drop flow, and any past
    /// the budget of such flows).
    private(set) var rejectedTunnelFrames = 0
    /// Times the kernel found an upcall socket full (ENOBUFS) since the last report.
    private var overflowsUnreported = 0
    private var lastOverflowReport: ContinuousClock.Instant?

    init(reconciler: Reconciler, logger: Logger) {
        self.reconciler = reconciler
        self.logger = logger
    }

    /// Notes that the kernel dropped upcalls because our socket was full.
    /// There is nothing to re-read: a dropped miss's frame was not
    /// forwarded, and the flow's next frame misses again (as in OVS). Said
    /// in the log at once, then at most every 10 s with a count, as floods
    /// make it happen many times a second.
    func noteOverflow() {
        overflowsUnreported += 1
        let now = ContinuousClock.now
        if let last = lastOverflowReport, now - last < .seconds(10) { return }
        logger.warning(
            """
            upcalls: the kernel found our upcall queue full \(overflowsUnreported) time(s) since the last report (ENOBUFS) \
            and dropped those misses; their frames were not forwarded, and the next frames of the same flows miss again
            """)
        overflowsUnreported = 0
        lastOverflowReport = now
    }

    /// Whether misses are waiting.
    var hasPending: Bool { !pending.isEmpty }

    /// Queues one miss; says whether it was kept (false: over the queue's
    /// bound or its port's rate).
    func admit(_ upcall: Upcall) -> Bool {
        guard pending.count < Self.maxPending, limiter.admit(port: upcall.inPort ?? 0) else {
            dropped += 1
            DaemonMetrics.upcall("dropped")
            return false
        }
        pending.append(upcall)
        return true
    }

    /// A classified batch: new sources' frames that can go on at once,
    /// and frames that wait for the pass that installs their flows.
    struct Batch {
        var sentAtOnce: [(Upcall, CompiledFlow)] = []
        var decided: [(Upcall, MissDecision)] = []
        /// Whether the learned state changed (a pass is due).
        var learnedChanged = false
    }

    /// Takes every queued miss, classifies it in `context` and applies the
    /// decision to `learned`; logs a batch's first decisions and counts the rest.
    func classifyPending(in context: MissContext, into learned: inout LearnedState) -> Batch {
        let upcalls = pending
        pending.removeAll(keepingCapacity: true)
        var batch = Batch()
        var batchLog = UpcallBatchLog()
        let debug = logger.logLevel <= .debug
        for upcall in upcalls {
            let decision = MissClassifier.classify(upcall, in: context)
            DaemonMetrics.upcall(decision.label)
            let change = learned.apply(decision)
            switch change {
            case .unchanged:
                if batchLog.note(.unchanged, shown: debug), lines.take() { logger.debug("upcall: \(decision)") }
            case .added:
                batch.learnedChanged = true
                if batchLog.note(.added), lines.take() { logger.info("upcall: \(decision)") }
            case .moved(let old):
                batch.learnedChanged = true
                if batchLog.note(.moved), lines.take() { logger.info("upcall: \(decision), moved from \(old.port) vlan \(old.vlan)") }
            case .refused:
                if batchLog.note(.refused), lines.take() {
                    logger.warning("upcall: \(decision) refused: limit reached (\(learned.limits)); its frames go on through userspace")
                }
            }
            // The frame that teaches a MAC is often its ARP: its sender IP is the MAC's.
            if change != .refused, case .learn(let local, let vni, _) = decision, let ip = MissClassifier.announcedIPv4(upcall),
                learned.noteAddress(ip, of: local.mac, vni: vni)
            {
                batch.learnedChanged = true
                if lines.take() { logger.info("upcall: \(local.mac) on \(local.port) announced \(ipv4Text(ip))") }
            }
            // A refused decision is not learned, but its frame is not dropped
            // either: it goes on with the actions its stage-1 flow would have
            // (into its switch, where it is forwarded or flooded), without the
            // flow; a refused unknown destination goes on with its port's flood.
            if let stageOne = decision.stageOneFlow(in: context) {
                batch.sentAtOnce.append((upcall, stageOne))
            } else {
                batch.decided.append((upcall, decision))
            }
            if case .rejectedTunnel = decision { rejectedTunnelFrames += 1 }
        }
        if batchLog.untold > 0, lines.take() {
            let level: Logger.Level = batchLog.counts[.refused] != nil ? .warning : .info
            logger.log(
                level: level,
                "upcalls: \(batchLog.total) in this batch (\(batchLog.summary)); the first \(batchLog.told) are logged above, the rest only counted"
            )
        }
        if lines.suppressed > 0, lines.take(counted: false) {
            logger.warning(
                "upcalls: \(lines.takeSuppressed()) log lines about single frames left out (more than \(Int(lines.rate)) a second)")
        }
        return batch
    }

    /// The frames of `decided` whose flows are now in `flows`, each with its flow.
    func framesToSend(
        _ decided: [(Upcall, MissDecision)], tunnelPort: UInt32, portNumbers: [String: UInt32],
        flows: [FlowUFID: CompiledFlow]
    ) -> [(Upcall, CompiledFlow)] {
        decided.compactMap { upcall, decision in
            decision.sendingFlowIdentities(tunnelPort: tunnelPort, portNumbers: portNumbers).lazy
                .compactMap { flows[FlowUFID(deriving: $0)] }.first.map { (upcall, $0) }
        }
    }

    /// Sends each missed frame on with its flow's actions, in one netlink
    /// batch; counts what was sent into `statistics` (no flow counted it).
    func sendOn(_ frames: [(Upcall, CompiledFlow)], statistics: inout BindingStatistics) {
        let sendable = frames.filter { !$0.0.packet.isEmpty && !$0.1.flow.actions.isEmpty }
        guard !sendable.isEmpty else { return }
        let results = reconciler.sendOn(sendable.map { .init(packet: $0.0.packet, metadata: $0.0.key, actions: $0.1.flow.actions) })
        for (result, (upcall, compiled)) in zip(results, sendable) {
            switch result {
            case .success:
                handled += 1
                statistics.addSentOn(compiled, bytes: upcall.packet.count)
            case .failure(let error):
                DaemonMetrics.kernelError(error)
                logger.debug("upcall: could not send the missed frame on: \(error)")
            }
        }
    }
}
