import Logging
import OVSDatapathNL

/// vtep-kdp's main loop. Two inputs wake it: the VTEP database changed,
/// or the kernel missed a frame (an upcall). Each wake-up takes everything
/// that arrived meanwhile — a burst of 10,000 rows or misses costs a few
/// passes, not 10,000 — learns from the misses, runs one `SyncPass` if
/// anything changed, and then sends each missed frame on with the actions
/// of the flow that now matches it, so a first packet is not lost. The
/// kernel's flows are only ever written by the pass's reconciler.
public actor VTEPDaemon {
    public let client: OVSDBClient<VTEPDatabase>
    let pass: SyncPass
    let logger: Logger
    /// MACs declared on the command line (`--local-mac`), learned or not.
    public var declaredMACs: [LocalMAC]
    /// What traffic taught us: local MACs and the other miss facts.
    public private(set) var learned: LearnedState
    /// Passes run so far, and what the last one did.
    public private(set) var passes = 0
    /// Its `state.flows` is left empty: the flows are `desiredFlows`. The
    /// write-back reports its local MACs, not the learned state's: a pass
    /// may be under way while a write-back starts.
    public private(set) var lastOutcome: SyncPass.Outcome?
    /// Every flow the daemon wants in the kernel, by UFID.
    public var desiredFlows: [FlowUFID: CompiledFlow] { compiler.state.flows }
    public private(set) var upcallsHandled = 0
    public private(set) var upcallsDropped = 0
    /// Per-binding counters (what Logical_Binding_Stats gets).
    public private(set) var statistics = BindingStatistics()
    /// Learned MACs and remembered misses idle this long are forgotten.
    public let agingTime: Duration
    private var idleness = Idleness()
    private var housekeepingDue = false
    /// Housekeeping reads the kernel off the actor (see
    /// `FrameStatisticsReader`); the loop folds in a finished reading.
    private var statisticsReader: FrameStatisticsReader?
    private var statisticsReadUnderWay = false
    private var finishedReading: FrameStatisticsReader.Reading?
    /// The bindings' statistics are written by the write-back task too.
    private var statisticsWriteDue = false
    private var writtenStatistics: [PortVLAN: BindingCounters] = [:]

    /// The desired flows, kept up to date a change at a time; the daemon's
    /// only copy of them (`lastOutcome` keeps everything else).
    private var compiler = IncrementalCompiler()
    /// Ucast_Macs_Remote rows changed since the last pass; nil: recompile all.
    private var changedRemoteRows: Set<OVSDBUUID>? = nil

    private var synced = false
    private var databaseChanged = false
    private var pendingUpcalls: [Upcall] = []
    private var limiter = UpcallRateLimiter()
    private var lastProblems: Set<String> = []
    private let wake: AsyncStream<Void>
    private let wakeUp: AsyncStream<Void>.Continuation
    /// The database half of a pass waits for ovsdb-server; it runs in a
    /// task of its own so the next missed frame does not wait with it.
    private var writeBackDue = false
    private let writeBackWake: AsyncStream<Void>
    private let writeBackRequest: AsyncStream<Void>.Continuation
    static let maxPendingUpcalls = 4096

    public init(client: OVSDBClient<VTEPDatabase>, reconciler: Reconciler, switchName: String, localMACs: [LocalMAC] = [],
                vxlanPort: UInt16 = VXLANDevice.defaultPort, limits: LearnedState.Limits = .init(), agingTime: Duration = .seconds(300),
                overlapsBulkChanges: Bool = true, bulkInstallSockets: Int = 2, logger: Logger = Logger(label: "vtep-kdp")) {
        self.agingTime = agingTime
        self.client = client
        self.pass = SyncPass(client: client, reconciler: reconciler, switchName: switchName, vxlanPort: vxlanPort,
                             overlapsBulkChanges: overlapsBulkChanges, bulkInstallSockets: bulkInstallSockets)
        self.declaredMACs = localMACs
        self.learned = LearnedState(limits: limits)
        self.logger = logger
        // Newest-one buffering folds any number of wake-ups during a pass into one.
        (wake, wakeUp) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
        (writeBackWake, writeBackRequest) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Reads back what an earlier vtep-kdp learned from the kernel's flows
    /// (see `LearnedState.recover`). Call before `run`.
    public func recoverLearnedState() throws(NetlinkError) {
        try learned.recover(from: pass.reconciler.connection, datapath: pass.reconciler.datapath)
        if learned.macCount > 0 || !learned.facts.isEmpty {
            logger.info("learning: kept \(learned.macCount) local MACs and \(learned.facts.count) other learned facts from the kernel's flows")
        }
    }

    /// Runs until cancelled. The OVSDB client must be running (its `run()`);
    /// `upcalls` is the datapath's miss stream, if it sends us one.
    public func run(upcalls: AsyncStream<Result<Upcall, NetlinkError>>? = nil) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [client] in
                for await event in client.events { await self.note(event) }
            }
            if let upcalls {
                group.addTask {
                    for await upcall in upcalls { await self.note(upcall) }
                }
            }
            group.addTask { await self.loop() }
            group.addTask { await self.writeBackLoop() }
            group.addTask {
                // Housekeeping (aging, statistics) a few times per aging period, at most every 10 s.
                let interval = min(max(self.agingTime / 4, .milliseconds(250)), .seconds(10))
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    await self.noteHousekeepingDue()
                }
            }
            await group.next()
            group.cancelAll()
        }
    }

    private func note(_ event: OVSDBEvent<VTEPChange>) {
        switch event {
        // A resynchronisation after a reconnect reports what changed as
        // ordinary changes first, so rows compiled before stay valid.
        case .synced: synced = true; databaseChanged = true
        case .changes(let changes):
            // Our own write-back (local MACs, statistics…) echoes back: it
            // changes nothing the compiler reads, so it costs no pass.
            guard changes.contains(where: \.affectsForwarding) else { return }
            logger.debug("database: \(changes.count) row changes")
            databaseChanged = true
            if changedRemoteRows != nil {
                for case .ucastMacRemote(let change) in changes { changedRemoteRows!.insert(change.uuid) }
            }
        case .disconnected(let error): logger.warning("VTEP database: \(error); keeping the kernel's flows as they are")
        case .connected(let remote): logger.info("VTEP database: connected to \(remote)")
        }
        wakeUp.yield()
    }

    private func note(_ result: Result<Upcall, NetlinkError>) {
        switch result {
        case .failure(let error):
            logger.warning("upcalls: \(error)")
        case .success(let upcall):
            guard pendingUpcalls.count < Self.maxPendingUpcalls, limiter.admit(port: upcall.inPort ?? 0) else {
                upcallsDropped += 1
                return
            }
            pendingUpcalls.append(upcall)
            wakeUp.yield()
        }
    }

    private func noteHousekeepingDue() {
        housekeepingDue = true
        wakeUp.yield()
    }

    private func loop() async {
        for await _ in wake {
            guard !Task.isCancelled else { return }
            guard synced else { continue }
            if lastOutcome == nil || databaseChanged {
                databaseChanged = false
                await runPass()
            }
            await handleUpcalls()
            if housekeepingDue, !statisticsReadUnderWay {
                housekeepingDue = false
                startStatisticsRead()
            }
            if let reading = finishedReading {
                finishedReading = nil
                await housekeeping(reading)
            }
        }
    }

    /// Learns from the misses that arrived, runs a pass if that changed
    /// the desired flows, then sends each missed frame on.
    private func handleUpcalls() async {
        guard !pendingUpcalls.isEmpty, let context = lastOutcome?.missContext else { return }
        let upcalls = pendingUpcalls
        pendingUpcalls.removeAll(keepingCapacity: true)
        var decided: [(Upcall, MissDecision)] = []
        var sentAtOnce: [(Upcall, CompiledFlow)] = []
        var changed = false
        let classifyingStarted = ContinuousClock.now
        var batchLog = UpcallBatchLog()
        for upcall in upcalls {
            let decision = MissClassifier.classify(upcall, in: context)
            switch learned.apply(decision) {
            case .unchanged:
                if batchLog.note(.unchanged, shown: logger.logLevel <= .debug) { logger.debug("upcall: \(decision)") }
            case .added:
                changed = true
                if batchLog.note(.added) { logger.info("upcall: \(decision)") }
            case .moved(let old):
                changed = true
                if batchLog.note(.moved) { logger.info("upcall: \(decision), moved from \(old.port) vlan \(old.vlan)") }
            case .refused:
                if batchLog.note(.refused) { logger.warning("upcall: \(decision) refused: limit reached (\(learned.limits))") }
                continue
            }
            if let stageOne = Self.stageOneFlow(for: decision, context: context) {
                sentAtOnce.append((upcall, stageOne))
            } else {
                decided.append((upcall, decision))
            }
        }
        let classifying = ContinuousClock.now - classifyingStarted
        if batchLog.untold > 0 {
            let level: Logger.Level = batchLog.counts[.refused] != nil ? .warning : .info
            logger.log(level: level, "upcalls: \(batchLog.total) in this batch (\(batchLog.summary)); the first \(batchLog.told) are logged above, the rest only counted")
        }
        // A new source's frame goes on at once, with the actions its
        // stage-1 flow is about to get (stage 2 is in the kernel already);
        // the other frames once the kernel holds their flows; the database
        // last: a first packet waits neither for a pass nor for ovsdb-server.
        sendOn(sentAtOnce)
        if changed { await programKernel() }
        let clock = ContinuousClock()
        let flows = compiler.state.flows
        let portNumbers = lastOutcome?.portNumbers ?? [:]
        let sending = clock.measure {
            sendOn(decided.compactMap { upcall, decision in
                Self.sendingFlows(for: decision, tunnelPort: context.tunnelPort, portNumbers: portNumbers).lazy
                    .compactMap { flows[FlowUFID(deriving: $0)] }.first.map { (upcall, $0) }
            })
        }
        logger.debug("upcalls: \(sentAtOnce.count + decided.count) handled (classified in \(classifying)), frames sent on in \(sending)")
        if changed { requestWriteBack() }
    }

    /// The stage-1 flow a `learn` decision gives its source — built by the
    /// same `LocalMACFlows` the compiler uses, so it is the flow the next
    /// pass installs. Nil for other decisions.
    static func stageOneFlow(for decision: MissDecision, context: MissContext) -> CompiledFlow? {
        guard case .learn(let local, let vni, let etherType) = decision,
              let binding = context.bindings.first(where: { $0.port == local.port && $0.vlan == local.vlan && $0.vni == vni }),
              let recirculation = RecirculationID.logicalSwitch(vni: vni)?.rawValue else { return nil }
        let flows = LocalMACFlows(.init(local: local, binding: binding, recirculation: recirculation, localIP: [0, 0, 0, 0],
                                        tunnelPort: context.tunnelPort, etherTypes: etherType.map { [$0] } ?? []))
        return flows.flows.first { $0.countsFrom != nil }
    }

    /// Each missed frame, sent on with the actions of its flow — all in one
    /// netlink batch.
    private func sendOn(_ frames: [(Upcall, CompiledFlow)]) {
        var executions: [DatapathConnection.PacketExecution] = []
        var sentWith: [(CompiledFlow, Int)] = []
        for (upcall, compiled) in frames where !upcall.packet.isEmpty && !compiled.flow.actions.isEmpty {
            executions.append(.init(packet: upcall.packet, metadata: upcall.key, actions: compiled.flow.actions))
            sentWith.append((compiled, upcall.packet.count))
        }
        guard !executions.isEmpty else { return }
        let results = pass.reconciler.connection.execute(executions, in: pass.reconciler.datapath)
        for (result, (compiled, bytes)) in zip(results, sentWith) {
            switch result {
            case .success:
                upcallsHandled += 1
                statistics.addSentOn(compiled, bytes: bytes)
            case .failure(let error):
                logger.debug("upcall: could not send the missed frame on: \(error)")
            }
        }
    }

    /// The flows a missed frame may now match, most specific first: the
    /// decision's own, or for an unknown destination that was learned
    /// meanwhile, its forwarding flow. Drop flows have no actions, so their
    /// frames are not sent on.
    static func sendingFlows(for decision: MissDecision, tunnelPort: UInt32, portNumbers: [String: UInt32]) -> [String] {
        var identities = decision.flowIdentities(tunnelPort: tunnelPort) { portNumbers[$0] }
        if case .unknownDestination(let unknown) = decision, unknown.port != nil {
            identities.append(FlowIdentity.forward(vni: unknown.vni, destination: unknown.mac))
        }
        return identities
    }

    /// Starts reading the counters and last use of the flows that matter
    /// here — the frame's, see `FrameStatisticsReader.read` — on a task of
    /// its own; `housekeeping` gets the reading.
    private func startStatisticsRead() {
        guard lastOutcome != nil else { return }
        if statisticsReader == nil {
            do throws(NetlinkError) {
                statisticsReader = try FrameStatisticsReader(datapath: pass.reconciler.datapath)
            } catch {
                logger.warning("housekeeping: no netlink socket to read statistics on (\(error)); trying again next time")
                return
            }
        }
        guard let reader = statisticsReader else { return }
        let wanted = Array(compiler.frameUFIDs), tableSize = compiler.state.flows.count
        statisticsReadUnderWay = true
        Task.detached { [weak self] in
            let result = reader.read(wanted, tableSize: tableSize)
            await self?.finishStatisticsRead(result)
        }
    }

    private func finishStatisticsRead(_ result: Result<FrameStatisticsReader.Reading, NetlinkError>) {
        statisticsReadUnderWay = false
        switch result {
        case .success(let reading):
            finishedReading = reading
            wakeUp.yield()
        case .failure(let error):
            logger.warning("housekeeping: \(error); trying again next time")
        }
    }

    /// Folds a statistics reading in, forgets learned MACs and remembered
    /// misses idle longer than the aging time (a pass then removes their
    /// flows and rows), and has the bindings' statistics written when they
    /// changed. A flow installed after the reading began is not in it, so
    /// it is not judged idle.
    func housekeeping(_ reading: FrameStatisticsReader.Reading) async {
        guard let outcome = lastOutcome else { return }
        let dump = reading.stats
        statistics.update(dump: dump, flows: compiler.state.flows)
        idleness.update(dump: dump, now: reading.takenAt)
        defer { logger.debug("housekeeping: \(dump.count) flows read, \(learned.macCount) learned MACs checked") }

        let limit = UInt64(agingTime.components.seconds) * 1000 + UInt64(agingTime.components.attoseconds / 1_000_000_000_000_000)
        let context = outcome.missContext
        var forgotten = 0
        let portNumber = { (name: String) in outcome.portNumbers[name] }
        for (local, vni) in learned.entries {
            let ufids = learned.learnDecisions(of: local, vni: vni)
                .flatMap { $0.flowIdentities(tunnelPort: context.tunnelPort, portNumber: portNumber) }.map(FlowUFID.init(deriving:))
            guard let idle = idleness.idleMilliseconds(ufids), idle > limit else { continue }
            learned.forget(local.mac, vni: vni)
            forgotten += 1
            logger.info("aging: \(local.mac) on \(local.port)\(local.vlan == 0 ? "" : " vlan \(local.vlan)") (VNI \(vni)) idle for \(idle / 1000) s; forgotten")
        }
        for fact in Self.rememberedMisses(learned.facts) {
            let ufids = fact.flowIdentities(tunnelPort: context.tunnelPort, portNumber: portNumber).map(FlowUFID.init(deriving:))
            guard let idle = idleness.idleMilliseconds(ufids), idle > limit else { continue }
            learned.forget(fact)
            forgotten += 1
            logger.debug("aging: \(fact) idle for \(idle / 1000) s; forgotten")
        }
        if forgotten > 0 { await runPass() }
        statisticsWriteDue = true
        writeBackRequest.yield()
    }

    static func rememberedMisses(_ facts: MissFacts) -> [MissDecision] {
        facts.unknownDestinations.map { .unknownDestination($0) } + facts.unboundTagged.map { .unboundTagged($0) }
            + facts.unknownVNIs.map { .unknownVNI($0) }
    }

    /// Logical_Binding_Stats for each binding whose counters moved since the last write.
    func writeStatistics() async {
        guard let outcome = lastOutcome else { return }
        let totals = statistics.totals
        let database = await client.replica
        let writer = VTEPWriter(client: client)
        for binding in outcome.state.bindings {
            let place = PortVLAN(port: binding.port, vlan: binding.vlan)
            let counters = totals[place] ?? BindingCounters()
            guard writtenStatistics[place] != counters,
                  let portID = database.physicalPorts.rows.first(where: { $0.value.name == binding.port })?.key else { continue }
            do {
                try await writer.setBindingStats(VTEPLogicalBindingStats(
                    packets: (Int(counters.packetsFromLocal), Int(counters.packetsToLocal)),
                    bytes: (Int(counters.bytesFromLocal), Int(counters.bytesToLocal))), port: portID, vlan: Int(binding.vlan))
                writtenStatistics[place] = counters
            } catch {
                logger.warning("statistics of \(place): \(error)")
            }
        }
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }

    /// A whole pass: the kernel now, the database by `writeBackLoop`.
    func runPass() async {
        if await programKernel() { requestWriteBack() }
    }

    private func requestWriteBack() {
        writeBackDue = true
        writeBackRequest.yield()
    }

    /// Writes back what the latest pass found, one write-back at a time:
    /// requests made while one is on its way fold into one more, which
    /// reads the state as it is by then. The kernel half never waits here:
    /// with 1,000 learned MACs a write-back takes ovsdb-server tens of
    /// milliseconds, and a new source's first frame waited behind the one
    /// before it (23 ms at the median, in the VM, against 6 ms with few).
    private func writeBackLoop() async {
        for await _ in writeBackWake {
            while writeBackDue || statisticsWriteDue, !Task.isCancelled {
                if writeBackDue {
                    writeBackDue = false
                    await writeBack()
                }
                if statisticsWriteDue {
                    statisticsWriteDue = false
                    await writeStatistics()
                }
            }
        }
    }

    /// Compiles and reconciles; says whether it got that far.
    @discardableResult
    func programKernel() async -> Bool {
        do {
            let started = ContinuousClock.now
            let rows = changedRemoteRows
            changedRemoteRows = []
            // The compiler is lent out for the pass and must be the only
            // owner of its flows, or updating them would copy them all.
            var compiler = self.compiler
            self.compiler = IncrementalCompiler()
            lastOutcome?.state.flows = [:]
            defer { self.compiler = compiler }
            var outcome: SyncPass.Outcome
            let localMACs = declaredMACs + learned.localMACs, exhausted = learned.exhausted
            do {
                outcome = try await pass.program(localMACs: localMACs, missFacts: learned.facts,
                                                 compiler: &compiler, changedRemoteRows: rows)
            } catch {
                changedRemoteRows = nil  // what was taken for this pass was not compiled
                throw error
            }
            let took = ContinuousClock.now - started
            passes += 1
            let flowCount = outcome.state.flows.count
            outcome.state.flows = [:]  // the compiler has them; see above
            outcome.exhaustedVNIs = exhausted
            lastOutcome = outcome
            learned.keepOnly(outcome.state.liveFacts)
            for problem in outcome.state.problems where lastProblems.contains(problem) == false {
                logger.warning("\(problem)")
            }
            lastProblems = Set(outcome.state.problems)
            let summary = "kernel: \(outcome.report) (\(flowCount) flows for \(outcome.state.bindings.count) bindings; "
                + "\(Self.milliseconds(took)) ms: compile \(Self.milliseconds(outcome.compileTime)), "
                + (outcome.stages > 0
                    ? "overlapped with the kernel in \(outcome.stages) parts, \(outcome.stageLanes) at a time (kernel threads \(Self.milliseconds(outcome.stagedKernelTime)), "
                        + "waited for \(Self.milliseconds(outcome.stagedWaitTime))), then "
                    : "")
                + "kernel \(Self.milliseconds(outcome.kernelTime)))"
            if outcome.report.changes > 0 || !outcome.report.failures.isEmpty { logger.info("\(summary)") } else { logger.debug("\(summary)") }
            return true
        } catch {
            logger.warning("sync pass failed: \(error); waiting for the next change")
            return false
        }
    }

    func writeBack() async {
        guard let outcome = lastOutcome else { return }
        do {
            let started = ContinuousClock.now
            try await pass.writeBack(outcome)
            logger.debug("database: written back in \(ContinuousClock.now - started)")
        } catch {
            logger.warning("writing to the VTEP database failed: \(error); retrying on the next pass")
        }
    }
}
