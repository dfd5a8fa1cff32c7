import Logging
import OVSDatapathCore
import VTEPCompiler

/// Aging and statistics, a few times per aging period. A round reads the
/// frame's flows' counters off the daemon's actor (`FrameStatisticsReader`,
/// a socket of its own), then folds the reading in: the bindings' counters
/// move, and learned MACs and remembered misses whose flows were idle
/// longer than the aging time are forgotten (the next pass removes their
/// flows and rows).
final class Housekeeping {
    /// Learned MACs and remembered misses idle this long are forgotten.
    let agingTime: Duration
    /// Per-binding counters (what Logical_Binding_Stats gets).
    private(set) var statistics = BindingStatistics()
    private var idleness = Idleness()
    private var reader: FrameStatisticsReader?
    private let logger: Logger
    /// A reading is on its way; no second one starts meanwhile.
    private(set) var readUnderWay = false

    init(agingTime: Duration, logger: Logger) {
        self.agingTime = agingTime
        self.logger = logger
    }

    /// How often a round is due: a quarter of the aging time, within 250 ms … 10 s.
    var interval: Duration { min(max(agingTime / 4, .milliseconds(250)), .seconds(10)) }

    /// Lends the counters out, for frames sent on from userspace (no flow counted them).
    func withStatistics(_ body: (inout BindingStatistics) -> Void) { body(&statistics) }

    /// Starts reading the statistics of `wanted` (the frame's flows) in a
    /// table of `tableSize` flows of `datapath`, on a task of its own; `finished` gets
    /// the result on the caller's side. Does nothing while a read is under way.
    func startRead(
        _ wanted: [FlowUFID], tableSize: Int, in datapath: Datapath,
        finished: @escaping @Sendable (Result<FrameStatisticsReader.Reading, NetlinkError>) async -> Void
    ) {
        guard !readUnderWay else { return }
        if reader == nil {
            do throws(NetlinkError) {
                reader = try FrameStatisticsReader()
            } catch {
                logger.warning("housekeeping: no netlink socket to read statistics on (\(error)); trying again next time")
                return
            }
        }
        guard let reader else { return }
        readUnderWay = true
        Task.detached { await finished(reader.read(wanted, tableSize: tableSize, in: datapath)) }
    }

    /// Folds a reading in: the bindings' counters, then aging. Returns how
    /// many learned MACs and remembered misses were forgotten. A flow
    /// installed after the reading began is not in it, so it is not judged
    /// idle. The reading may be seconds old by the time it is folded (a busy
    /// machine, a pass ahead of it), so what it finds idle is read again
    /// (`recheck`, a few requests by UFID) and forgotten only if still idle:
    /// a MAC used meanwhile through its kernel flow raised no upcall to say so.
    /// - Parameters:
    ///   - flows: the desired flows, to tell which binding a flow counts for.
    ///   - learned: forgets what was idle too long.
    ///   - tunnelPort, portNumbers: to name a learned fact's flows.
    ///   - recheck: reads the statistics of the given flows now.
    func fold(
        _ result: Result<FrameStatisticsReader.Reading, NetlinkError>, flows: [FlowUFID: CompiledFlow],
        learned: inout LearnedState, tunnelPort: UInt32, portNumbers: [String: UInt32],
        recheck: ([FlowUFID]) -> Result<FrameStatisticsReader.Reading, NetlinkError>
    ) -> Int {
        readUnderWay = false
        let reading: FrameStatisticsReader.Reading
        switch result {
        case .success(let value): reading = value
        case .failure(let error):
            logger.warning("housekeeping: \(error); trying again next time")
            return 0
        }
        statistics.update(dump: reading.stats, flows: flows)
        idleness.update(dump: reading.stats, now: reading.takenAt)
        defer { logger.debug("housekeeping: \(reading.stats.count) flows read, \(learned.macCount) learned MACs checked") }

        let limit = UInt64(clamping: agingTime.wholeMilliseconds)
        let portNumber = { (name: String) in portNumbers[name] }
        let ufids = { (decision: MissDecision) in
            decision.flowIdentities(tunnelPort: tunnelPort, portNumber: portNumber).map(FlowUFID.init(deriving:))
        }
        let isIdle = { (ufids: [FlowUFID]) in (self.idleness.idleMilliseconds(ufids) ?? 0) > limit }
        // Only the idle few are kept, not a tuple per learned MAC.
        var macs: [(local: LocalMAC, vni: UInt32, ufids: [FlowUFID])] = []
        for (local, vni) in learned.entries {
            let flows = learned.learnDecisions(of: local, vni: vni).flatMap(ufids)
            if isIdle(flows) { macs.append((local, vni, flows)) }
        }
        var facts: [(fact: MissDecision, ufids: [FlowUFID])] = []
        for fact in learned.facts.rememberedMisses {
            let flows = ufids(fact)
            if isIdle(flows) { facts.append((fact, flows)) }
        }
        guard !macs.isEmpty || !facts.isEmpty else { return 0 }

        let asked = macs.flatMap(\.ufids) + facts.flatMap(\.ufids)
        switch recheck(asked) {
        case .success(let fresh): idleness.refresh(asked, with: fresh.stats, now: fresh.takenAt)
        case .failure(let error):
            logger.warning("housekeeping: \(error) reading idle flows again; forgetting nothing this time")
            return 0
        }
        macs = macs.filter { isIdle($0.ufids) }
        facts = facts.filter { isIdle($0.ufids) }
        for (local, vni, ufids) in macs {
            learned.forget(local.mac, vni: vni)
            logger.info(
                "aging: \(local.mac) on \(PortVLAN(port: local.port, vlan: local.vlan)) (VNI \(vni)) idle for \(idleness.idleMilliseconds(ufids)! / 1000) s; forgotten"
            )
        }
        for (fact, ufids) in facts {
            learned.forget(fact)
            logger.debug("aging: \(fact) idle for \(idleness.idleMilliseconds(ufids)! / 1000) s; forgotten")
        }
        return macs.count + facts.count
    }

    /// Reads the statistics of `ufids` now, on the reader's socket (free:
    /// folding happens after its read is over).
    func recheck(in datapath: Datapath) -> ([FlowUFID]) -> Result<FrameStatisticsReader.Reading, NetlinkError> {
        { [reader] ufids in
            guard let reader else { return .success(.init(stats: [:], takenAt: MonotonicClock.nowMilliseconds())) }
            return reader.read(ufids, tableSize: .max, in: datapath)
        }
    }
}
