import OVSDatapathCore
import OVSDatapathNL
import VTEPCompiler

/// Logical_Binding_Stats' four counters for one binding.
public struct BindingCounters: Hashable, Sendable {
    public var packetsFromLocal: UInt64 = 0, bytesFromLocal: UInt64 = 0
    public var packetsToLocal: UInt64 = 0, bytesToLocal: UInt64 = 0
    /// All four counters at 0.
    public init() {}

    mutating func add(_ packets: UInt64, _ bytes: UInt64, from: Bool) {
        if from { packetsFromLocal += packets; bytesFromLocal += bytes } else { packetsToLocal += packets; bytesToLocal += bytes }
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
        for (ufid, old) in tracked where dump[ufid] == nil || dump[ufid]!.packets < old.stats.packets {
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
        if let from = compiled.countsFrom { retired[from, default: .init()].add(1, UInt64(bytes), from: true) }
        for to in compiled.countsTo { retired[to, default: .init()].add(1, UInt64(bytes), from: false) }
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
        let packets = entry.stats.packets &- entry.baseline.packets, bytes = entry.stats.bytes &- entry.baseline.bytes
        if let from = entry.from { result[from, default: .init()].add(packets, bytes, from: true) }
        for to in entry.to { result[to, default: .init()].add(packets, bytes, from: false) }
    }
}
