import Logging
import OVSDB
import OVSDatapathCore
import VTEPCompiler
import VTEPModel

/// Runs the daemon's passes. It keeps the one long-lived
/// `IncrementalCompiler` — and with it the only copy of the desired
/// flows — lends it to `SyncPass` for each pass, remembers which remote
/// rows changed since the last one, and says in the log what a pass did.
final class PassRunner {
    private let pass: SyncPass
    private let logger: Logger
    private var compiler = IncrementalCompiler()
    /// Ucast_Macs_Remote rows changed since the last pass; nil: recompile all.
    private var changedRemoteRows: Set<OVSDBUUID>? = nil
    private var lastProblems: Set<String> = []
    /// Passes run so far.
    private(set) var passes = 0
    /// What the last pass that got through did and found.
    private(set) var lastOutcome: SyncPass.Outcome?

    init(pass: SyncPass, logger: Logger) {
        self.pass = pass
        self.logger = logger
    }

    /// Every flow the daemon wants in the kernel, by UFID.
    var desiredFlows: [FlowUFID: CompiledFlow] { compiler.state.flows }

    /// The flows whose statistics housekeeping reads (see `IncrementalCompiler.frameUFIDs`).
    var frameUFIDs: Dictionary<FlowUFID, CompiledFlow>.Keys { compiler.frameUFIDs }

    /// Notes which remote MACs a database change touched, so the next
    /// pass recompiles only their rows.
    func note(_ changes: [VTEPChange]) {
        guard changedRemoteRows != nil else { return }
        for case .ucastMacRemote(let change) in changes { changedRemoteRows!.insert(change.uuid) }
    }

    /// Compiles and reconciles; returns what the pass did, nil when it
    /// could not run (logged; the next change tries again).
    func run(
        localMACs: [LocalMAC], missFacts: MissFacts, exhaustedVNIs: Set<UInt32>,
        isolation: isolated (any Actor)? = #isolation
    ) async -> SyncPass.Outcome? {
        let started = ContinuousClock.now
        let rows = changedRemoteRows
        changedRemoteRows = []
        // The compiler is lent out for the pass and must be the only owner
        // of its flows, or updating them would copy them all; and nothing
        // may reach it while the pass waits for the kernel.
        var compiler = self.compiler
        self.compiler = IncrementalCompiler()
        defer { self.compiler = compiler }
        var outcome: SyncPass.Outcome
        do {
            outcome = try await pass.program(localMACs: localMACs, missFacts: missFacts, compiler: &compiler, changedRemoteRows: rows)
        } catch {
            changedRemoteRows = nil  // what was taken for this pass was not compiled
            logger.warning("sync pass failed: \(error); waiting for the next change")
            return nil
        }
        outcome.exhaustedVNIs = exhaustedVNIs
        passes += 1
        lastOutcome = outcome
        for problem in outcome.findings.problems where !lastProblems.contains(problem) { logger.warning("\(problem)") }
        lastProblems = Set(outcome.findings.problems)
        let summary = Self.summary(outcome, took: ContinuousClock.now - started)
        if outcome.report.changes > 0 || !outcome.report.failures.isEmpty { logger.info("\(summary)") } else { logger.debug("\(summary)") }
        return outcome
    }

    /// One log line: what changed, and where the pass's time went.
    static func summary(_ outcome: SyncPass.Outcome, took: Duration) -> String {
        let staged =
            outcome.stages > 0
            ? "overlapped with the kernel in \(outcome.stages) parts, \(outcome.stageLanes) at a time "
                + "(kernel threads \(outcome.stagedKernelTime.wholeMilliseconds), waited for \(outcome.stagedWaitTime.wholeMilliseconds)), then "
            : ""
        return "kernel: \(outcome.report) (\(outcome.flowCount) flows for \(outcome.findings.bindings.count) bindings; "
            + "\(took.wholeMilliseconds) ms: compile \(outcome.compileTime.wholeMilliseconds), \(staged)kernel \(outcome.kernelTime.wholeMilliseconds))"
    }
}
