import OVSDatapathNL

/// Housekeeping's kernel read — the statistics of the frame's flows — on a
/// netlink socket of its own, so the daemon's actor goes on handling
/// misses meanwhile. With 1,000 learned MACs the read takes about 150 ms
/// in the test VM (0.13–0.18 s of CPU), every 10 s; on the actor, a new
/// source's first frame that arrived during it waited until it was over.
///
/// `@unchecked Sendable`: the daemon starts a read only when none is under
/// way, so one thread at a time uses the socket.
final class FrameStatisticsReader: @unchecked Sendable {
    private let connection: DatapathConnection
    /// The datapath of the last read. A new one may belong to a reloaded
    /// openvswitch module, whose families have new ids.
    private var lastDatapathIfindex: Int32?

    init() throws(NetlinkError) {
        connection = try DatapathConnection()
    }

    /// A reading: UFID → statistics, and when it was taken (the clock of
    /// the kernel's `used` times), for `Idleness`.
    struct Reading: Sendable {
        var stats: [FlowUFID: FlowStats]
        var takenAt: UInt64
    }

    /// Statistics of `wanted`, the frame's flows, in a table of `tableSize`.
    /// With a large table nearly every flow is a remote MAC's, which neither
    /// ages nor counts for a binding: asking for the others by UFID, in one
    /// batch, costs a fraction of dumping them all. When they are most of
    /// the table (thousands of learned MACs, few remote ones) one dump is
    /// cheaper than a request each. A flow the kernel does not have is
    /// absent; any other failure fails the whole reading (half a reading
    /// would make the statistics count a flow's packets twice).
    func read(_ wanted: [FlowUFID], tableSize: Int, in datapath: Datapath) -> Result<Reading, NetlinkError> {
        if datapath.ifindex != lastDatapathIfindex {
            if lastDatapathIfindex != nil { _ = try? connection.refreshFamilies() }
            lastDatapathIfindex = datapath.ifindex
        }
        let takenAt = MonotonicClock.nowMilliseconds()
        var stats: [FlowUFID: FlowStats] = [:]
        guard wanted.count * 4 < tableSize else {
            do throws(NetlinkError) {
                try connection.dumpFlows(in: datapath, omit: .allButStats) { flow in
                    if let ufid = flow.ufid { stats[ufid] = flow.stats }
                }
            } catch {
                return .failure(error)
            }
            return .success(Reading(stats: stats, takenAt: takenAt))
        }
        let results = connection.execute(wanted.map { .get(.ufid($0), omit: .allButStats) }, in: datapath)
        for (ufid, result) in zip(wanted, results) {
            switch result {
            case .success(let flow?): stats[ufid] = flow.stats
            case .success(nil): break
            case .failure(let error) where error.errno == ENOENT: break
            case .failure(let error): return .failure(error)
            }
        }
        return .success(Reading(stats: stats, takenAt: takenAt))
    }
}

#if canImport(Glibc)
import Glibc
import OVSDatapathCore
#endif
