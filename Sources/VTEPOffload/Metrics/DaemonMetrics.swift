import Metrics
import OVSDatapathCore
import VTEPCompiler

/// What the daemon counts, through swift-metrics. Nothing is kept anywhere
/// until the executable bootstraps a backend (`--metrics-address` bootstraps
/// Prometheus), so without it every call here is a no-op. The handles are
/// made on first use, which comes after the bootstrap.
///
/// Counted as things happen: passes and their duration, convergence,
/// upcalls by decision, kernel errors, the database connection and the
/// write-back. Read when scraped (see `VTEPDaemon.metricsReading()`): flows
/// by kind and learned MACs, which a pass would otherwise have to count.
public enum DaemonMetrics {
    static let passes = Counter(label: "vtep_kdp_passes_total")
    static let passDuration = Metrics.Timer(label: "vtep_kdp_pass_duration_seconds")
    /// A database change that affects forwarding, from its arrival to the
    /// end of the pass that put it in the kernel.
    static let convergence = Metrics.Timer(label: "vtep_kdp_convergence_seconds")
    static let writeBackDuration = Metrics.Timer(label: "vtep_kdp_writeback_duration_seconds")
    static let databaseConnected = Gauge(label: "vtep_kdp_database_connected")
    static let databaseConnects = Counter(label: "vtep_kdp_database_connects_total")
    /// Connections lost, and attempts to connect that failed.
    static let databaseDisconnects = Counter(label: "vtep_kdp_database_disconnects_total")

    /// The upcall counters by decision (`MissDecision.label`, or
    /// "dropped" before classifying: over the queue's bound or its port's
    /// rate), made once: an upcall is on the first packet's path.
    static let upcalls: [String: Counter] = Dictionary(
        uniqueKeysWithValues: (MissDecision.labels + ["dropped"]).map {
            ($0, Counter(label: "vtep_kdp_upcalls_total", dimensions: [("decision", $0)]))
        })

    /// One upcall classified as `decision`.
    static func upcall(_ decision: String) { upcalls[decision]?.increment() }

    /// A netlink request the kernel (or the socket) refused.
    static func kernelError(_ error: NetlinkError) {
        let name = error.errno.map { ErrnoName.names[$0] ?? "errno_\($0)" } ?? "other"
        Counter(label: "vtep_kdp_kernel_errors_total", dimensions: [("errno", name)]).increment()
    }
}
