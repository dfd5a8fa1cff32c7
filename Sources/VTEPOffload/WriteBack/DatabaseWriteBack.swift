import Logging
import VTEPCompiler

/// The daemon's database write-back, on a task of its own so the kernel
/// half never waits for ovsdb-server: with 1,000 learned MACs a write-back
/// takes it tens of milliseconds, and a new source's first frame waited
/// behind the one before it (23 ms at the median, in the VM, against 6 ms
/// with few). One write-back at a time; requests made while one is on its
/// way fold into one more, which writes the newest outcome.
actor DatabaseWriteBack {
    private let writer: PassWriteBack
    private let logger: Logger
    private var outcomeDue: SyncPass.Outcome?
    private var statisticsDue: (totals: [PortVLAN: BindingCounters], bindings: [Binding])?
    private var writtenStatistics: [PortVLAN: BindingCounters] = [:]
    /// The BFD sessions' statuses, written with every outcome.
    private var tunnelStatuses: [[UInt8]: TunnelStatus] = [:]
    /// Set when the statuses changed since the last outcome written.
    private var tunnelStatusesDue = false
    /// The last outcome written, whose tunnels a status change rewrites.
    private var lastWritten: SyncPass.Outcome?
    private let wake: AsyncStream<Void>
    private let wakeUp: AsyncStream<Void>.Continuation

    init(writer: PassWriteBack, logger: Logger) {
        self.writer = writer
        self.logger = logger
        (wake, wakeUp) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks for `outcome`'s rows to be written (replacing any not yet written).
    func request(_ outcome: SyncPass.Outcome) {
        outcomeDue = outcome
        wakeUp.yield()
    }

    /// Asks for the Tunnel rows' `bfd_status` to say `statuses`.
    func requestTunnelStatuses(_ statuses: [[UInt8]: TunnelStatus]) {
        tunnelStatuses = statuses
        tunnelStatusesDue = true
        wakeUp.yield()
    }

    /// Asks for Logical_Binding_Stats of `bindings` to be brought to `totals`.
    func requestStatistics(_ totals: [PortVLAN: BindingCounters], bindings: [Binding]) {
        statisticsDue = (totals, bindings)
        wakeUp.yield()
    }

    /// The first wait before a failed write-back is tried again; it doubles
    /// on each failure in a row, up to `longestRetryDelay`.
    static let firstRetryDelay: Duration = .seconds(1)
    static let longestRetryDelay: Duration = .seconds(30)
    private var retryDelay = DatabaseWriteBack.firstRetryDelay

    /// Writes what is asked for until cancelled. A write that fails is tried
    /// again on its own schedule — not only when an unrelated pass asks for
    /// the next one — unless a newer request replaced it meanwhile.
    func run() async {
        for await _ in wake {
            while !Task.isCancelled, outcomeDue != nil || statisticsDue != nil || tunnelStatusesDue {
                var failed = false
                // A session changed state between passes: only the Tunnel rows
                // (before the first outcome is written, that outcome carries them).
                if outcomeDue == nil, tunnelStatusesDue {
                    tunnelStatusesDue = false
                    do {
                        if let lastWritten { try await writer.writeTunnels(lastWritten.findings, statuses: tunnelStatuses) }
                    } catch {
                        logger.warning("writing bfd_status failed: \(error); trying again in \(retryDelay)")
                        tunnelStatusesDue = true
                        failed = true
                    }
                }
                if !failed, let outcome = outcomeDue {
                    outcomeDue = nil
                    tunnelStatusesDue = false
                    let started = ContinuousClock.now
                    do {
                        try await writer.write(outcome, tunnelStatuses: tunnelStatuses)
                        lastWritten = outcome
                        let took = ContinuousClock.now - started
                        DaemonMetrics.writeBackDuration.record(duration: took)
                        logger.debug("database: written back in \(took)")
                    } catch {
                        logger.warning("writing to the VTEP database failed: \(error); trying again in \(retryDelay)")
                        if outcomeDue == nil { outcomeDue = outcome }
                        failed = true
                    }
                }
                if !failed, let (totals, bindings) = statisticsDue {
                    statisticsDue = nil
                    let result = await writer.writeStatistics(totals, bindings: bindings, written: writtenStatistics)
                    writtenStatistics = result.written
                    for failure in result.failures { logger.warning("\(failure)") }
                    if !result.failures.isEmpty {
                        if statisticsDue == nil { statisticsDue = (totals, bindings) }
                        failed = true
                    }
                }
                if failed {
                    scheduleRetry()
                    break
                }
                retryDelay = Self.firstRetryDelay
            }
        }
    }

    /// Wakes the loop after `retryDelay`, and doubles the next delay.
    private func scheduleRetry() {
        let delay = retryDelay
        retryDelay = min(retryDelay * 2, Self.longestRetryDelay)
        Task { [weak self] in
            try? await Task.sleep(for: delay)
            await self?.retryNow()
        }
    }

    private func retryNow() { wakeUp.yield() }
}
