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
    /// BFD sessions by remote locator.
    public var tunnels: [[UInt8]: TunnelStatus] = [:]

    /// A reading of nothing yet.
    public init() {}
}

extension DaemonMetrics {
    /// The kernel's counters as last published, so the Prometheus counters
    /// move by what the kernel counted since (a recreated datapath starts
    /// again from zero: then its whole count is new).
    private static let lastDatapathCounts = Mutex<[String: UInt64]>([:])

    /// Sets the gauges from a reading, and moves the datapath counters by
    /// what `readDatapath` (called under a lock, so two scrapes at once
    /// cannot take each other's older count for a reset) finds.
    public static func publish(_ reading: MetricsReading, readDatapath: () -> DatapathStats?) {
        for kind in FlowKind.allCases {
            Gauge(label: "vtep_kdp_flows_desired", dimensions: [("kind", kind.rawValue)]).record(reading.desired[kind] ?? 0)
            Gauge(label: "vtep_kdp_flows_installed", dimensions: [("kind", kind.rawValue)]).record(reading.installed[kind] ?? 0)
        }
        Gauge(label: "vtep_kdp_learned_macs").record(reading.learnedMACs)
        // One series per remote locator with BFD: whether it forwards, and
        // how often its session left Up (unicast to it is sent regardless:
        // the controller decides, the operator sees).
        for (remote, status) in reading.tunnels {
            let locator = [("remote", ipv4Text(remote))]
            Gauge(label: "vtep_kdp_bfd_forwarding", dimensions: locator).record(status.forwarding ? 1 : 0)
            Gauge(label: "vtep_kdp_bfd_flaps", dimensions: locator).record(status.flaps)
        }
        let deltas = lastDatapathCounts.withLock { last -> [(String, UInt64)] in
            guard let stats = readDatapath() else { return [] }
            Gauge(label: "vtep_kdp_datapath_flows").record(Int(stats.flows))
            let now = ["hit": stats.hits, "missed": stats.misses, "lost": stats.lost]
            defer { last = now }
            return now.map { result, count in (result, count >= (last[result] ?? 0) ? count - (last[result] ?? 0) : count) }
        }
        for (result, delta) in deltas where delta > 0 {
            Counter(label: "vtep_kdp_datapath_packets_total", dimensions: [("result", result)]).increment(by: Int64(clamping: delta))
        }
    }
}
