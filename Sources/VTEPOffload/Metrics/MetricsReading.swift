import Metrics
import OVSDatapathCore
import Synchronization
import VTEPCompiler

/// What a scrape reads off the daemon and the kernel: gauges too costly to
/// keep current on every pass (111,000 flows to sort by kind), so they are
/// counted only when someone asks.
public struct MetricsReading: Sendable {
    /// Desired flows by kind.
    public var desired: [FlowKind: Int] = [:]
    /// Installed flows by the kind of the desired flow with their UFID;
    /// installed flows nobody desires (about to be deleted) count as `other`.
    public var installed: [FlowKind: Int] = [:]
    /// Local MACs learned from traffic.
    public var learnedMACs = 0
    /// The datapath's own counters, when they could be read.
    public var datapath: DatapathStats?

    /// A reading of nothing yet.
    public init() {}
}

extension DaemonMetrics {
    /// The kernel's counters as last published, so the Prometheus counters
    /// move by what the kernel counted since (a recreated datapath starts
    /// again from zero: then its whole count is new).
    private static let lastDatapathCounts = Mutex<[String: UInt64]>([:])

    /// Sets the gauges (and moves the datapath counters) from a reading.
    public static func publish(_ reading: MetricsReading) {
        for kind in FlowKind.allCases {
            Gauge(label: "vtep_kdp_flows_desired", dimensions: [("kind", kind.rawValue)]).record(reading.desired[kind] ?? 0)
            Gauge(label: "vtep_kdp_flows_installed", dimensions: [("kind", kind.rawValue)]).record(reading.installed[kind] ?? 0)
        }
        Gauge(label: "vtep_kdp_learned_macs").record(reading.learnedMACs)
        guard let stats = reading.datapath else { return }
        Gauge(label: "vtep_kdp_datapath_flows").record(Int(stats.flows))
        let now = ["hit": stats.hits, "missed": stats.misses, "lost": stats.lost]
        let deltas = lastDatapathCounts.withLock { last in
            defer { last = now }
            return now.map { result, count in (result, count >= (last[result] ?? 0) ? count - (last[result] ?? 0) : count) }
        }
        for (result, delta) in deltas where delta > 0 {
            Counter(label: "vtep_kdp_datapath_packets_total", dimensions: [("result", result)]).increment(by: Int64(clamping: delta))
        }
    }
}

extension VTEPDaemon {
    /// Flows by kind and learned MACs, counted now (see `MetricsReading`).
    public func metricsReading() -> MetricsReading {
        var reading = MetricsReading()
        let desired = passRunner.desiredFlows
        for flow in desired.values { reading.desired[FlowKind(identity: flow.identity), default: 0] += 1 }
        for ufid in reconciler.installed.keys {
            reading.installed[desired[ufid].map { FlowKind(identity: $0.identity) } ?? .other, default: 0] += 1
        }
        reading.learnedMACs = learned.macCount
        return reading
    }
}
