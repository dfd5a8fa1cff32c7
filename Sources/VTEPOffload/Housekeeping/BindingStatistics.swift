import OVSDatapathCore
import OVSDatapathNL
import VTEPCompiler

/// Logical_Binding_Stats' four counters for one binding.
public struct BindingCounters: Hashable, Sendable {
    public var packetsFromLocal: UInt64 = 0, bytesFromLocal: UInt64 = 0
    public var packetsToLocal: UInt64 = 0, bytesToLocal: UInt64 = 0
    /// All four counters at 0.
    public init() {}

    /// Counts `packets` and `bytes` in one direction, saturating at the
    /// top rather than trapping: a counter only ever grows.
    mutating func add(_ packets: UInt64, _ bytes: UInt64, from: Bool) {
        if from {
            packetsFromLocal.addSaturating(packets)
            bytesFromLocal.addSaturating(bytes)
        } else {
            packetsToLocal.addSaturating(packets)
            bytesToLocal.addSaturating(bytes)
        }
    }
}

/// Per-binding traffic counters built from the kernel's flow statistics.
/// A flow's counters die with the flow (a MAC ages out, a remote MAC
/// becomes local, vtep-kdp restarts), so what a flow counted is kept here
/// when it goes; frames sent on from userspace after a miss, which no
/// flow counted, are added as they are sent.
public struct BindingStatistics: Sendable {
    struct Tracked: Sendable {
        var stats: FlowStats
        /// Counts before the flow took its current roles (a modified flow keeps its counters).
        var baseline: FlowStats
        var from: PortVLAN?
        var to: [PortVLAN]
    }
    private var tracked: [FlowUFID: Tracked] = [:]
    private var retired: [PortVLAN: BindingCounters] = [:]

    /// No flow tracked, nothing counted yet.
    public init() {}

    /// Folds in a fresh statistics dump (`dump`: UFID → stats) of the flows `flows` describes.
    public mutating func update(dump: [FlowUFID: FlowStats], flows: [FlowUFID: CompiledFlow]) {
        // A flow that is gone, or whose counters went back (deleted and
        // made again between two reads), keeps what it counted until then.
        for (ufid, old) in tracked where dump[ufid].map({ $0.packets < old.stats.packets || $0.bytes < old.stats.bytes }) ?? true {
            retire(old)
            tracked[ufid] = nil
        }
        for (ufid, stats) in dump {
            guard let compiled = flows[ufid], compiled.countsFrom != nil || !compiled.countsTo.isEmpty else { continue }
            if var entry = tracked[ufid] {
                if entry.from != compiled.countsFrom || entry.to != compiled.countsTo {
                    retire(entry)
                    entry = Tracked(stats: stats, baseline: stats, from: compiled.countsFrom, to: compiled.countsTo)
                }
                entry.stats = stats
                tracked[ufid] = entry
            } else {
                tracked[ufid] = Tracked(stats: stats, baseline: FlowStats(), from: compiled.countsFrom, to: compiled.countsTo)
            }
        }
    }

    /// A frame sent on from userspace with `compiled`'s actions.
    public mutating func addSentOn(_ compiled: CompiledFlow, bytes: Int) {
        if let from = compiled.countsFrom { retired[from, default: .init()].add(1, UInt64(clamping: bytes), from: true) }
        for to in compiled.countsTo { retired[to, default: .init()].add(1, UInt64(clamping: bytes), from: false) }
    }

    /// Each binding's counters: what its live flows counted since they took
    /// their roles, plus what gone flows and sent-on frames counted before.
    public var totals: [PortVLAN: BindingCounters] {
        var result = retired
        for entry in tracked.values { add(entry, into: &result) }
        return result
    }

    private mutating func retire(_ entry: Tracked) { add(entry, into: &retired) }

    private func add(_ entry: Tracked, into result: inout [PortVLAN: BindingCounters]) {
        let packets = entry.stats.packets.subtractingSaturating(entry.baseline.packets)
        let bytes = entry.stats.bytes.subtractingSaturating(entry.baseline.bytes)
        if let from = entry.from { result[from, default: .init()].add(packets, bytes, from: true) }
        for to in entry.to { result[to, default: .init()].add(packets, bytes, from: false) }
    }
}

extension UInt64 {
    /// `self += other`, stopping at `.max`.
    fileprivate mutating func addSaturating(_ other: UInt64) {
        let (sum, overflow) = addingReportingOverflow(other)
        self = overflow ? .max : sum
    }

    /// `self - other`, stopping at 0.
    fileprivate func subtractingSaturating(_ other: UInt64) -> UInt64 { self > other ? self - other : 0 }
}
