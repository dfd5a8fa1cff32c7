import OVSDatapathCore
import OVSDatapathNL

/// How long each flow has been idle, from the kernel's `used` times (a
/// cheap UFID + statistics dump). A flow that has never carried a packet
/// counts as used when it was first seen here, so it ages like the rest.
public struct Idleness: Sendable {
    private var firstSeen: [FlowUFID: UInt64] = [:]
    private var used: [FlowUFID: UInt64] = [:]
    /// The time of the last `update`, in the kernel's CLOCK_MONOTONIC
    /// milliseconds: what idle times are measured to.
    public private(set) var now: UInt64 = 0

    /// No flow seen yet.
    public init() {}

    /// Takes in a statistics dump; flows absent from it are forgotten.
    /// - Parameters:
    ///   - dump: each flow's statistics by UFID, with its `used` time.
    ///   - now: the time of the dump, in CLOCK_MONOTONIC milliseconds (the
    ///     clock of the kernel's `used`).
    public mutating func update(dump: [FlowUFID: FlowStats], now: UInt64 = MonotonicClock.nowMilliseconds()) {
        self.now = now
        var seen: [FlowUFID: UInt64] = [:]
        used.removeAll(keepingCapacity: true)
        for (ufid, stats) in dump {
            if let time = stats.usedMilliseconds, time > 0 { used[ufid] = time } else { seen[ufid] = firstSeen[ufid] ?? now }
        }
        firstSeen = seen
    }

    /// Takes in a fresher reading of some flows (`asked`; those absent from
    /// `stats` are gone) and measures idle times to its `now` from here on.
    public mutating func refresh(_ asked: [FlowUFID], with stats: [FlowUFID: FlowStats], now: UInt64) {
        self.now = max(self.now, now)
        for ufid in asked {
            if let flow = stats[ufid] {
                if let time = flow.usedMilliseconds, time > 0 { used[ufid] = time }
            } else {
                used[ufid] = nil
                firstSeen[ufid] = nil
            }
        }
    }

    /// Milliseconds since the most recent use of any of `ufids`; nil when none is installed.
    public func idleMilliseconds(_ ufids: [FlowUFID]) -> UInt64? {
        let last = ufids.compactMap { used[$0] ?? firstSeen[$0] }.max()
        return last.map { now > $0 ? now - $0 : 0 }
    }
}
