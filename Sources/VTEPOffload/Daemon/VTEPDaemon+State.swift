import OVSDatapathCore
import OVSDatapathNL
import VTEPCompiler

/// What the daemon can be asked while it runs (tests, and `vtep-kdp`'s
/// start-up), and the one thing done before it runs: reading back what an
/// earlier vtep-kdp learned.
extension VTEPDaemon {
    /// Passes run so far.
    public var passes: Int { passRunner.passes }
    /// What the last pass did and found.
    public var lastOutcome: SyncPass.Outcome? { passRunner.lastOutcome }
    /// Every flow the daemon wants in the kernel, by UFID.
    public var desiredFlows: [FlowUFID: CompiledFlow] { passRunner.desiredFlows }
    /// Missed frames sent on.
    public var upcallsHandled: Int { upcalls.handled }
    /// Misses dropped unread (queue full or rate exceeded).
    public var upcallsDropped: Int { upcalls.dropped }
    /// Learned MACs and remembered misses idle this long are forgotten.
    public var agingTime: Duration { housekeeping.agingTime }

    /// Reads back what an earlier vtep-kdp learned from the kernel's flows
    /// (see `LearnedState.recover`), and where BUM went. Call before `run`.
    public func recoverLearnedState() throws(NetlinkError) {
        let flows = try reconciler.recover(into: &learned)
        // The service nodes the kernel's floods go to now (floods match an
        // input port, so they are among these): BUM stays put across a restart.
        passRunner.locatorHealth.serviceNodes = ServiceNodeChoice.recovered(from: flows)
        if learned.macCount > 0 || !learned.facts.isEmpty {
            logger.info(
                "learning: kept \(learned.macCount) local MACs and \(learned.facts.count) other learned facts from the kernel's flows")
        }
    }
}
