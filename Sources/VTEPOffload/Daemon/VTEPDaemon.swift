import Logging
import OVSDB
import OVSDatapathCore
import OVSDatapathNL
import VTEPCompiler
import VTEPModel

/// vtep-kdp's main loop, a conductor: it owns no forwarding logic, only
/// the order of things. Three inputs wake it — the VTEP database changed,
/// the kernel missed a frame (an upcall), housekeeping is due — and each
/// wake-up takes everything that arrived meanwhile, so a burst of 10,000
/// rows or misses costs a few passes, not 10,000. The rooms it conducts:
/// `PassRunner` (compile + reconcile; the reconciler is the kernel's only
/// writer), `UpcallHandler` (learning from misses, sending frames on),
/// `Housekeeping` (statistics and aging) and `DatabaseWriteBack` (rows, on a
/// task of its own).
public actor VTEPDaemon {
    /// The VTEP database's client; it must be running (its `run()`).
    public let client: OVSDBClient<VTEPDatabase>
    /// MACs declared on the command line (`--local-mac`), learned or not.
    public var declaredMACs: [LocalMAC]
    /// What traffic taught us: local MACs and the other miss facts.
    public internal(set) var learned: LearnedState
    let reconciler: Reconciler
    let logger: Logger
    let passRunner: PassRunner
    let upcalls: UpcallHandler
    let housekeeping: Housekeeping
    /// BFD with the remote locators, when the daemon runs it.
    let tunnelHealth: TunnelHealthMonitor?
    /// Answers the ARP requests of switches with suppression on, when the daemon runs it.
    let arpResponder: ARPResponder?
    private let writeBack: DatabaseWriteBack
    private var synced = false
    private var passDue = false
    private var housekeepingDue = false
    private var portCheckDue = false
    /// When the oldest forwarding change not yet in the kernel arrived (for the convergence metric).
    private var changeSeenAt: ContinuousClock.Instant?
    /// The last scrape's flow counts, given again while a pass holds the flows.
    var lastMetricsReading: MetricsReading?
    private var finishedReading: Result<FrameStatisticsReader.Reading, NetlinkError>?
    private let wake: AsyncStream<Void>
    private let wakeUp: AsyncStream<Void>.Continuation

    /// A daemon for the Physical_Switch `switchName`.
    /// - Parameters:
    ///   - reconciler: the datapath's only writer; its socket is the daemon's.
    ///   - localMACs: MACs declared up front, learned or not.
    ///   - limits: how much may be learned.
    ///   - agingTime: learned MACs and remembered misses idle this long are forgotten.
    ///   - overlapsBulkChanges, bulkInstallSockets, allowsRemoteMACTakeover: see `SyncPass`.
    ///   - identity: the switch's `description` and `management_ips` to
    ///     write (nil: left alone).
    ///   - tunnelHealth: runs BFD with the remote locators (started and
    ///     stopped by the caller); nil runs none.
    ///   - arpResponder: answers ARP for switches with suppression on; nil answers none.
    public init(
        client: OVSDBClient<VTEPDatabase>, reconciler: Reconciler, switchName: String, localMACs: [LocalMAC] = [],
        vxlanPort: UInt16 = VXLANNaming.defaultPort, limits: LearnedState.Limits = .init(), agingTime: Duration = .seconds(300),
        overlapsBulkChanges: Bool = true, bulkInstallSockets: Int = 2, allowsRemoteMACTakeover: Bool = false,
        identity: (description: String?, managementIPs: Set<String>?) = (nil, nil), tunnelHealth: TunnelHealthMonitor? = nil,
        arpResponder: ARPResponder? = nil, logger: Logger = Logger(label: "vtep-kdp")
    ) {
        self.client = client
        self.tunnelHealth = tunnelHealth
        self.arpResponder = arpResponder
        self.reconciler = reconciler
        self.declaredMACs = localMACs
        self.learned = LearnedState(limits: limits)
        self.logger = logger
        var pass = SyncPass(
            client: client, reconciler: reconciler, switchName: switchName, vxlanPort: vxlanPort,
            overlapsBulkChanges: overlapsBulkChanges, bulkInstallSockets: bulkInstallSockets)
        pass.allowsRemoteMACTakeover = allowsRemoteMACTakeover
        passRunner = PassRunner(pass: pass, logger: logger)
        upcalls = UpcallHandler(reconciler: reconciler, logger: logger)
        housekeeping = Housekeeping(agingTime: agingTime, logger: logger)
        writeBack = DatabaseWriteBack(
            writer: PassWriteBack(
                client: client, switchName: switchName, description: identity.description, managementIPs: identity.managementIPs),
            logger: logger)
        // Newest-one buffering folds any number of wake-ups during a pass into one.
        (wake, wakeUp) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Runs until cancelled. The OVSDB client must be running (its `run()`);
    /// `upcalls` is the datapath's miss stream, if it sends us one.
    public func run(upcalls: AsyncStream<Result<Upcall, NetlinkError>>? = nil) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [client] in for await event in client.events { await self.note(event) } }
            if let upcalls { group.addTask { for await upcall in upcalls { await self.note(upcall) } } }
            if let tunnelHealth { group.addTask { for await statuses in tunnelHealth.changes { await self.note(statuses) } } }
            group.addTask { await self.loop() }
            group.addTask { [writeBack] in await writeBack.run() }
            group.addTask { [interval = housekeeping.interval] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    await self.noteHousekeepingDue()
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: PassRunner.portCheckInterval)
                    await self.notePortCheckDue()
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
        case .synced: synced = true; passDue = true
        case .changes(let changes):
            // Our own write-back (local MACs, statistics…) echoes back: it
            // changes nothing the compiler reads, so it costs no pass.
            guard changes.contains(where: \.affectsForwarding) else { return }
            logger.debug("database: \(changes.count) row changes")
            if changeSeenAt == nil { changeSeenAt = .now }
            passDue = true
            passRunner.note(changes)
        case .disconnected(let error):
            DaemonMetrics.databaseConnected.record(0)
            DaemonMetrics.databaseDisconnects.increment()
            logger.warning("VTEP database: \(error); keeping the kernel's flows as they are")
        case .connected(let remote):
            DaemonMetrics.databaseConnected.record(1)
            DaemonMetrics.databaseConnects.increment()
            logger.info("VTEP database: connected to \(remote)")
        }
        wakeUp.yield()
    }

    private func note(_ result: Result<Upcall, NetlinkError>) {
        switch result {
        case .failure(let error) where error.cause == .resyncNeeded: upcalls.noteOverflow()
        case .failure(let error): logger.warning("upcalls: \(error)")
        case .success(let upcall): if upcalls.admit(upcall) { wakeUp.yield() }
        }
    }

    /// A BFD session changed state: BUM is sent by the new health at the
    /// next pass (when which locators can forward changed), and the Tunnel
    /// rows say it.
    private func note(_ statuses: [[UInt8]: TunnelStatus]) async {
        let down = Set(statuses.filter(\.value.isDown).keys)
        if down != passRunner.locatorHealth.down {
            passRunner.locatorHealth.down = down
            passDue = true
            wakeUp.yield()
        }
        await writeBack.requestTunnelStatuses(statuses)
    }

    /// Gives BFD the sessions a pass found, where to send, and which
    /// flows count each remote's data.
    private func configureTunnelHealth(_ outcome: SyncPass.Outcome) {
        guard let tunnelHealth else { return }
        let findings = outcome.findings
        guard let localIP = findings.tunnelIP else {
            tunnelHealth.configure(.init(datapath: reconciler.datapath, tunnelPort: outcome.tunnelPort, localIP: [], tunnels: []))
            return
        }
        var dataFlows: [[UInt8]: [FlowUFID]] = [:]
        for tunnel in findings.bfdTunnels {
            dataFlows[tunnel.remote] = BFDTunnel.dataFlows(
                from: tunnel.remote, tunnelSources: findings.tunnelSources, tunnelPort: outcome.tunnelPort, localIP: localIP)
        }
        tunnelHealth.configure(
            .init(
                datapath: reconciler.datapath, tunnelPort: outcome.tunnelPort, localIP: localIP, tunnels: findings.bfdTunnels,
                dataFlows: dataFlows))
    }

    private func notePortCheckDue() {
        portCheckDue = true
        wakeUp.yield()
    }

    private func noteHousekeepingDue() {
        housekeepingDue = true
        wakeUp.yield()
    }

    private func noteReading(_ result: Result<FrameStatisticsReader.Reading, NetlinkError>) {
        finishedReading = result
        wakeUp.yield()
    }

    private func loop() async {
        for await _ in wake {
            guard !Task.isCancelled else { return }
            guard synced else { continue }
            if portCheckDue {
                portCheckDue = false
                if passRunner.portsChanged() { passDue = true }
            }
            if passRunner.lastOutcome == nil || passDue {
                passDue = false
                await runPass()
            }
            await handleUpcalls()
            if housekeepingDue, passRunner.lastOutcome != nil, !housekeeping.readUnderWay {
                housekeepingDue = false
                housekeeping.startRead(
                    Array(passRunner.frameUFIDs), tableSize: passRunner.desiredFlows.count, in: reconciler.datapath
                ) { [weak self] in
                    await self?.noteReading($0)
                }
            }
            if let reading = finishedReading {
                finishedReading = nil
                await foldReading(reading)
            }
        }
    }

    /// Learns from the misses that arrived and sends each missed frame on:
    /// a new source's at once, with the actions its stage-1 flow is about
    /// to get (stage 2 is in the kernel already); the others once the
    /// kernel holds their flows; the database last. A first packet waits
    /// neither for a pass nor for ovsdb-server.
    private func handleUpcalls() async {
        guard upcalls.hasPending, let outcome = passRunner.lastOutcome else { return }
        let batch = upcalls.classifyPending(in: outcome.missContext, into: &learned)
        housekeeping.withStatistics { upcalls.sendOn(batch.sentAtOnce, statistics: &$0) }
        let programmed = batch.learnedChanged ? await programKernel() : nil
        let current = programmed ?? outcome
        let frames = upcalls.framesToSend(
            batch.decided, tunnelPort: current.tunnelPort, portNumbers: current.portNumbers, flows: passRunner.desiredFlows)
        housekeeping.withStatistics { upcalls.sendOn(frames, statistics: &$0) }
        if let programmed { await writeBack.request(programmed) }
    }

    /// Folds a statistics reading in; a pass follows when aging forgot
    /// something, and the bindings' statistics are written either way.
    private func foldReading(_ reading: Result<FrameStatisticsReader.Reading, NetlinkError>) async {
        guard let outcome = passRunner.lastOutcome else { return }
        let readFailure: NetlinkError? = if case .failure(let error) = reading { error } else { nil }
        if passRunner.kernelChangedUnderUs(readFailure) { await runPass() }
        let forgotten = housekeeping.fold(
            reading, flows: passRunner.desiredFlows, learned: &learned, tunnelPort: outcome.tunnelPort, portNumbers: outcome.portNumbers,
            recheck: housekeeping.recheck(in: reconciler.datapath))
        if forgotten > 0 { await runPass() }
        await writeBack.requestStatistics(housekeeping.statistics.totals, bindings: passRunner.lastOutcome?.findings.bindings ?? [])
    }

    /// A whole pass: the kernel now, the database by the write-back's task.
    func runPass() async {
        // Changes that arrive while this pass waits for the kernel are the next pass's.
        let seen = changeSeenAt
        changeSeenAt = nil
        guard let outcome = await programKernel() else {
            changeSeenAt = seen ?? changeSeenAt  // the older arrival still waits
            return
        }
        if let seen { DaemonMetrics.convergence.record(duration: .now - seen) }
        await writeBack.request(outcome)
    }

    /// Compiles and reconciles with what was learned, and lets the learner
    /// forget facts the pass found dead.
    private func programKernel() async -> SyncPass.Outcome? {
        guard
            var outcome = await passRunner.run(
                localMACs: declaredMACs + learned.localMACs, missFacts: learned.facts, exhaustedVNIs: learned.exhausted)
        else { return nil }
        for (vni, mac, addresses) in learned.announcedAddresses {
            outcome.localAddresses[vni, default: [:]][mac] = addresses.map(ipv4Text)
        }
        learned.keepOnly(outcome.findings.liveFacts)
        configureTunnelHealth(outcome)
        arpResponder?.configure(outcome.findings.arpAnswering, datapath: reconciler.datapath)
        return outcome
    }
}
