import Foundation
import OVSDatapathNL

/// A large change handed to the kernel in parts, so compiling it and
/// installing it overlap: while the kernel takes one part — inside
/// `sendmsg`, on a thread of its own — the caller compiles the next. With
/// 100,000 new remote MACs, compiling and installing each take seconds; one
/// after the other, they add up.
///
/// The reconciler stays the only writer to the kernel: a stage's operations
/// run on its socket, one stage at a time, and the caller's thread waits
/// for each before the next starts. A `StagedReconcile` is a step before
/// `Reconciler.reconcile`, never instead of it: that final call compares
/// what the stages deferred or failed, and resyncs if a stage lost a reply.
public final class StagedReconcile {
    private let reconciler: Reconciler
    private var inFlight: KernelStage?
    /// What the stages did so far.
    public private(set) var report = Reconciler.Report()
    /// Flows a stage did not compare because the stage before it still had
    /// them in flight: the final `reconcile` must.
    public private(set) var deferred: Set<FlowUFID> = []
    /// How long the stages' threads spent encoding and in the kernel, and
    /// how long the caller waited for them: what the overlap hid, and what
    /// it could not.
    public private(set) var kernelBusy: Duration = .zero
    public private(set) var waited: Duration = .zero

    public init(_ reconciler: Reconciler) {
        self.reconciler = reconciler
    }

    /// Compares the `changed` flows of `desired` with the kernel's, waits
    /// for the stage in flight, and starts these flows' operations.
    public func submit(_ desired: [FlowUFID: CompiledFlow], changed: Set<FlowUFID>) {
        var changed = changed
        if let inFlight {
            // What is in flight is not yet in `installed`: comparing with it
            // now could create a flow twice.
            for ufid in changed where inFlight.ufids.contains(ufid) {
                changed.remove(ufid)
                deferred.insert(ufid)
            }
        }
        let diff = FlowDiff(desired: desired, installed: reconciler.installed, only: changed)
        finishInFlight()
        guard !diff.isEmpty else { return }
        inFlight = KernelStage(diff.operations, reconciler: reconciler)
    }

    /// Waits for the last stage; returns what all stages did.
    public func finish() -> Reconciler.Report {
        finishInFlight()
        return report
    }

    private func finishInFlight() {
        guard let stage = inFlight else { return }
        inFlight = nil
        let waitStarted = ContinuousClock.now
        let results = stage.results()
        waited += ContinuousClock.now - waitStarted
        kernelBusy += stage.busy
        let done = reconciler.record(stage.operations, results)
        report.addCounts(of: done)
        report.failures += done.failures
        if done.failures.contains(where: { $0.cause == .resyncNeeded }) { reconciler.resyncDue = true }
    }
}

/// One stage's operations, running on a thread of their own.
private final class KernelStage: @unchecked Sendable {
    let operations: [FlowOperation]
    let ufids: Set<FlowUFID>
    private var answers: [Result<Flow?, NetlinkError>] = []
    /// How long the thread took; read after `results()`.
    private(set) var busy: Duration = .zero
    private let done = DispatchSemaphore(value: 0)

    /// Unchecked: the socket is lent to the thread until `results()`
    /// returns, and its owner's thread waits there before it uses it again.
    init(_ operations: [FlowOperation], reconciler: Reconciler) {
        self.operations = operations
        ufids = Set(operations.compactMap(\.ufid))
        let connection = reconciler.connection, datapath = reconciler.datapath
        nonisolated(unsafe) let lent = connection
        Thread.detachNewThread { [self] in
            let started = ContinuousClock.now
            answers = lent.execute(operations, in: datapath)
            busy = ContinuousClock.now - started
            done.signal()
        }
    }

    func results() -> [Result<Flow?, NetlinkError>] {
        done.wait()
        return answers
    }
}
