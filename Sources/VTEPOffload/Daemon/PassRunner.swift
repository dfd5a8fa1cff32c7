import Logging
import OVSDB
import OVSDatapathCore
import OVSDatapathNL
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
    /// The switch's ports as the last pass left them (see `PortInventory`).
    private var inventory = PortInventory()
    /// Ucast_Macs_Remote rows changed since the last pass; nil: recompile all.
    private var changedRemoteRows: Set<OVSDBUUID>? = nil
    private var lastProblems: Set<String> = []
    /// Set when a failure turned out to be a reloaded module, for the log line that follows.
    private var moduleReloaded = false
    /// Passes run so far.
    private(set) var passes = 0
    /// Whether a pass holds the compiler now (`desiredFlows` is then empty).
    private(set) var passUnderWay = false
    /// What the last pass that got through did and found.
    private(set) var lastOutcome: SyncPass.Outcome?
    /// What BFD says of the remote locators; the service nodes chosen are
    /// the last pass's, so the next keeps them while they stay up.
    var locatorHealth = LocatorHealth()

    init(pass: SyncPass, logger: Logger) {
        self.pass = pass
        self.logger = logger
    }

    /// Every flow the daemon wants in the kernel, by UFID.
    var desiredFlows: [FlowUFID: CompiledFlow] { compiler.state.flows }

    /// The flows whose statistics housekeeping reads (see `IncrementalCompiler.frameUFIDs`).
    var frameUFIDs: Dictionary<FlowUFID, CompiledFlow>.Keys { compiler.frameUFIDs }

    /// Makes the next pass recompile every row and compare every flow.
    func recompileEverything() { changedRemoteRows = nil }

    /// Notes which remote MACs a database change touched, so the next
    /// pass recompiles only their rows.
    func note(_ changes: [VTEPChange]) {
        guard changedRemoteRows != nil else { return }
        for case .ucastMacRemote(let change) in changes { changedRemoteRows!.insert(change.uuid) }
    }

    /// Compiles and reconciles; returns what the pass did, nil when it
    /// could not run (logged; the next change tries again).
    /// A datapath deleted under us is made again and the pass run once more
    /// from nothing, so forwarding comes back without a restart.
    func run(
        localMACs: [LocalMAC], missFacts: MissFacts, exhaustedVNIs: Set<UInt32>,
        isolation: isolated (any Actor)? = #isolation
    ) async -> SyncPass.Outcome? {
        switch await runOnce(localMACs: localMACs, missFacts: missFacts, exhaustedVNIs: exhaustedVNIs) {
        case .success(let outcome):
            return outcome
        case .failure(let error) where error.datapathGone:
            guard recreateDatapath(after: error) else { return nil }
            return try? await runOnce(localMACs: localMACs, missFacts: missFacts, exhaustedVNIs: exhaustedVNIs).get()
        case .failure:
            return nil
        }
    }

    /// Why a pass did not produce an outcome (already logged).
    struct PassFailure: Error {
        /// The datapath itself was gone.
        var datapathGone: Bool
        /// What the kernel said.
        var netlink: NetlinkError?
    }

    /// The datapath is gone: make it again and start from nothing (every
    /// remote row recompiled, every flow installed). Says whether it worked.
    private func recreateDatapath(after failure: PassFailure) -> Bool {
        let name = pass.reconciler.datapath.name
        var cause = failure.netlink.map(String.init(describing:)) ?? "ENODEV"
        if moduleReloaded { cause = "the openvswitch module was reloaded: \(cause)" }
        moduleReloaded = false
        logger.warning("kernel: datapath \(name) is gone (\(cause)); making it again and reinstalling every flow")
        do throws(NetlinkError) {
            try pass.reconciler.recreateDatapath()
        } catch {
            logger.error("kernel: could not make datapath \(name) again: \(error); trying at the next change")
            return false
        }
        compiler = IncrementalCompiler()
        // A new datapath has no ports: they did not leave, it is empty.
        inventory = PortInventory()
        changedRemoteRows = nil
        return true
    }

    private func runOnce(
        localMACs: [LocalMAC], missFacts: MissFacts, exhaustedVNIs: Set<UInt32>,
        isolation: isolated (any Actor)? = #isolation
    ) async -> Result<SyncPass.Outcome, PassFailure> {
        let started = ContinuousClock.now
        let rows = changedRemoteRows
        changedRemoteRows = []
        // The compiler is lent out for the pass and must be the only owner
        // of its flows, or updating them would copy them all; and nothing
        // may reach it while the pass waits for the kernel.
        var compiler = self.compiler
        self.compiler = IncrementalCompiler()
        var inventory = self.inventory
        passUnderWay = true
        defer {
            self.compiler = compiler
            self.inventory = inventory
            passUnderWay = false
        }
        var outcome: SyncPass.Outcome
        do {
            outcome = try await pass.program(
                localMACs: localMACs, missFacts: missFacts, compiler: &compiler, inventory: &inventory, changedRemoteRows: rows,
                locatorHealth: locatorHealth)
        } catch {
            changedRemoteRows = nil  // what was taken for this pass was not compiled
            let netlink = error as? NetlinkError
            let gone = netlink.map(isDatapathGone) ?? false
            if !gone { logger.warning("sync pass failed: \(error); waiting for the next change") }
            return .failure(PassFailure(datapathGone: gone, netlink: netlink))
        }
        if let lost = outcome.report.failures.first(where: isDatapathGone) {
            changedRemoteRows = nil
            return .failure(PassFailure(datapathGone: true, netlink: lost))
        }
        outcome.exhaustedVNIs = exhaustedVNIs
        locatorHealth.serviceNodes = outcome.findings.serviceNodes
        passes += 1
        lastOutcome = outcome
        for problem in outcome.findings.problems where !lastProblems.contains(problem) { logger.warning("\(problem)") }
        lastProblems = Set(outcome.findings.problems)
        let took = ContinuousClock.now - started
        DaemonMetrics.passes.increment()
        DaemonMetrics.passDuration.record(duration: took)
        let summary = Self.summary(outcome, took: took)
        if outcome.report.changes > 0 || !outcome.report.failures.isEmpty { logger.info("\(summary)") } else { logger.debug("\(summary)") }
        return .success(outcome)
    }

    /// Whether `error` means our datapath no longer exists: deleted (ENODEV),
    /// or gone with a reloaded openvswitch module (ENOENT for the old family
    /// ids; then the families are resolved again on the way).
    private func isDatapathGone(_ error: NetlinkError) -> Bool {
        guard let loss = pass.reconciler.loss(from: error) else { return false }
        if loss == .moduleReloaded { moduleReloaded = true }
        return true
    }

    /// Whether the kernel changed under us since the last pass: the datapath
    /// deleted or its module reloaded (`readFailure`, from housekeeping's
    /// read, says ENODEV or ENOENT) or a port of the last pass removed or
    /// renumbered (`ovs-dpctl del-if`). Then the next pass recompiles
    /// everything and compares every flow; the caller runs it.
    func kernelChangedUnderUs(_ readFailure: NetlinkError?) -> Bool {
        guard lastOutcome != nil else { return false }
        if readFailure.map(isDatapathGone) ?? false {
            changedRemoteRows = nil
            return true
        }
        return portsChanged()
    }

    /// Whether the datapath's ports differ from the last pass's: a port
    /// added (a new port of the switch, to publish) or one removed or
    /// renumbered (then the next pass recompiles everything). One port
    /// dump; the daemon asks every `portCheckInterval`.
    func portsChanged() -> Bool {
        guard let outcome = lastOutcome else { return false }
        let now: [String: UInt32]
        do throws(NetlinkError) {
            now = try pass.reconciler.vports().portNumbersByName
        } catch {
            // The statistics read may not have noticed: it takes an unknown flow for one aged out.
            guard isDatapathGone(error) else { return false }
            changedRemoteRows = nil
            return true
        }
        if outcome.portNumbers.contains(where: { name, number in now[name] != number }) {
            logger.warning("kernel: a port of datapath \(pass.reconciler.datapath.name) was removed or renumbered; reinstalling")
            changedRemoteRows = nil
            return true
        }
        let added = now.keys.filter { outcome.portNumbers[$0] == nil }
        if !added.isEmpty {
            logger.info("ports: \(added.sorted().joined(separator: ", ")) joined datapath \(pass.reconciler.datapath.name)")
        }
        return !added.isEmpty
    }

    /// How often the daemon looks for ports added to or removed from the
    /// datapath by others (`vtep-kdp add-port`, `ovs-dpctl`, a deleted
    /// device): a dump of a few ports, once a second.
    static let portCheckInterval: Duration = .seconds(1)

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
