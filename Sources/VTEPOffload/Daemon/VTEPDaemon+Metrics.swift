import VTEPCompiler

extension VTEPDaemon {
    /// Flows by kind and learned MACs, counted now (see `MetricsReading`);
    /// while a pass holds the flows, the last pass's count.
    public func metricsReading() -> MetricsReading {
        if passRunner.passUnderWay, let last = lastMetricsReading { return last }
        var reading = MetricsReading()
        let desired = passRunner.desiredFlows
        for flow in desired.values { reading.desired[FlowKind(identity: flow.identity), default: 0] += 1 }
        for ufid in reconciler.installed.keys {
            reading.installed[desired[ufid].map { FlowKind(identity: $0.identity) } ?? .other, default: 0] += 1
        }
        reading.learnedMACs = learned.macCount
        reading.tunnels = tunnelHealth?.statuses ?? [:]
        lastMetricsReading = reading
        return reading
    }
}
