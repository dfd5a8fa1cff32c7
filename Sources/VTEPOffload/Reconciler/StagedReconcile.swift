import Foundation
import OVSDatapathCore
import OVSDatapathNL
import VTEPCompiler

/// A large change handed to the kernel in parts, so compiling it and
/// installing it overlap: while the kernel takes one part — inside
/// `sendmsg`, on a thread of its own — the caller compiles the next. With
/// 100,000 new remote MACs, compiling and installing each take seconds; one
/// after the other, they add up.
///
/// The reconciler stays the only writer to the kernel: a stage's operations
/// run on one of the reconciler's sockets (its own, and a second one it
/// keeps for this), at most one stage per socket, and the caller's thread
/// takes each stage's answers before that socket gets another. Two stages
/// in flight let the kernel work on two cores: it checks and copies a
/// flow's key and actions before it takes the datapath's lock, and only
/// the insertion itself is serialised. A `StagedReconcile` is a step before
/// `Reconciler.reconcile`, never instead of it: that final call compares
/// what the stages deferred or failed, and resyncs if a stage lost a reply.
public final class StagedReconcile {
    private let reconciler: Reconciler
    /// Sockets with no stage on them.
    private var idle: [DatapathConnection]
    /// Stages in flight, oldest first.
    private var inFlight: [KernelStage] = []
    /// What the stages did so far.
    public private(set) var report = Reconciler.Report()
    /// Flows a stage did not compare because a stage before it still had
    /// them in flight: the final `reconcile` must.
    public private(set) var deferred: Set<FlowUFID> = []
    /// How long the stages' threads spent encoding and in the kernel, and
    /// how long the caller waited for them: what the overlap hid, and what
    /// it could not.
    public private(set) var kernelBusy: Duration = .zero
    /// How long the caller waited for stages to finish: the kernel's work the
    /// overlap with compiling could not hide.
    public private(set) var waited: Duration = .zero

    /// `lanes`: how many stages may be in flight at once (at least 1; more
    /// than the reconciler has sockets for are not used).
    public init(_ reconciler: Reconciler, lanes: Int = 2) {
        self.reconciler = reconciler
        // One lane needs no second socket: do not open one.
        idle = lanes > 1 ? Array(([reconciler.connection] + reconciler.stagingConnections()).prefix(lanes)) : [reconciler.connection]
    }

    /// How many stages can be in flight at once.
    public var lanes: Int { idle.count + inFlight.count }

    /// Compares the `changed` flows of `desired` with the kernel's and
    /// starts these flows' operations, first waiting for the oldest stage
    /// in flight when every socket has one.
    public func submit(_ desired: [FlowUFID: CompiledFlow], changed: Set<FlowUFID>) {
        var changed = changed
        for stage in inFlight {
            // What is in flight is not yet in `installed`: comparing with it
            // now could create a flow twice.
            for ufid in changed where stage.ufids.contains(ufid) {
                changed.remove(ufid)
                deferred.insert(ufid)
            }
        }
        let diff = FlowDiff(desired: desired, installed: reconciler.installed, only: changed)
        guard !diff.isEmpty else { return }
        if idle.isEmpty { finishOldest() }
        inFlight.append(KernelStage(diff.operations, on: idle.removeLast(), datapath: reconciler.datapath))
    }

    /// Waits for every stage; returns what all stages did.
    public func finish() -> Reconciler.Report {
        while !inFlight.isEmpty { finishOldest() }
        return report
    }

    private func finishOldest() {
        let stage = inFlight.removeFirst()
        let waitStarted = ContinuousClock.now
        let results = stage.results()
        waited += ContinuousClock.now - waitStarted
        kernelBusy += stage.busy
        idle.append(stage.connection)
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

    /// The socket the stage runs on.
    let connection: DatapathConnection

    /// Unchecked: the socket is lent to the thread until `results()`
    /// returns, and its owner's thread waits there before it uses it again.
    init(_ operations: [FlowOperation], on connection: DatapathConnection, datapath: Datapath) {
        self.operations = operations
        self.connection = connection
        ufids = Set(operations.compactMap(\.ufid))
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
