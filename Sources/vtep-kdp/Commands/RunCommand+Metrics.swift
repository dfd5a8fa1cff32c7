import Logging
import Metrics
import OVSDatapathNL
import Prometheus
import VTEPOffload

extension RunCommand {
    /// `--metrics-address`: bootstraps swift-metrics with a Prometheus
    /// registry and serves it; nil when not asked for. Each scrape first
    /// counts the flows by kind and reads the datapath's own counters.
    func startMetrics(daemon: VTEPDaemon, logger: Logger) async throws -> MetricsEndpoint? {
        guard let address = metricsAddress else { return nil }
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Passes take from microseconds (one MAC) to seconds (100,000).
        factory.defaultDurationHistogramBuckets = [
            .microseconds(100), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(20), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
            .seconds(2), .seconds(5), .seconds(10), .seconds(30),
        ]
        MetricsSystem.bootstrap(factory)
        let datapath = self.datapath
        do {
            let endpoint = try await MetricsEndpoint(host: address.host, port: address.port, registry: registry) {
                DaemonMetrics.publish(await daemon.metricsReading()) { try? DatapathConnection().datapath(named: datapath).stats }
            }
            logger.info("vtep-kdp: metrics at http://\(address)/metrics")
            return endpoint
        } catch {
            throw StartupFailure(description: "vtep-kdp: --metrics-address \(address): \(error)")
        }
    }
}
