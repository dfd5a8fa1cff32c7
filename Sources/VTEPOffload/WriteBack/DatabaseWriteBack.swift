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

    /// Asks for Logical_Binding_Stats of `bindings` to be brought to `totals`.
    func requestStatistics(_ totals: [PortVLAN: BindingCounters], bindings: [Binding]) {
        statisticsDue = (totals, bindings)
        wakeUp.yield()
    }

    /// Writes what is asked for until cancelled.
    func run() async {
        for await _ in wake {
            while !Task.isCancelled, outcomeDue != nil || statisticsDue != nil {
                if let outcome = outcomeDue {
                    outcomeDue = nil
                    let started = ContinuousClock.now
                    do {
                        try await writer.write(outcome)
                        logger.debug("database: written back in \(ContinuousClock.now - started)")
                    } catch {
                        logger.warning("writing to the VTEP database failed: \(error); retrying on the next pass")
                    }
                }
                if let (totals, bindings) = statisticsDue {
                    statisticsDue = nil
                    let result = await writer.writeStatistics(totals, bindings: bindings, written: writtenStatistics)
                    writtenStatistics = result.written
                    for failure in result.failures { logger.warning("\(failure)") }
                }
            }
        }
    }
}
