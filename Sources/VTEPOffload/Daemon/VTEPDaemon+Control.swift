import OVSDatapathCore
import OVSDatapathNL
import VTEPCompiler
import VTEPModel

/// What an operator may ask the running daemon through its control socket
/// (`ovs-appctl -t vtep-kdp vtep/...`). Each runs on the daemon's actor,
/// between passes, like any other input.
extension VTEPDaemon {
    /// `vtep/status`: one line per fact of the last pass.
    public func statusText() -> String {
        guard let outcome = passRunner.lastOutcome else { return "no pass yet (waiting for the VTEP database)\n" }
        var lines = ["passes: \(passRunner.passes)", "bindings:"]
        lines += outcome.findings.bindings.map { "  \($0)" }
        if outcome.findings.bindings.isEmpty { lines.append("  (none)") }
        lines.append("ports: \(outcome.ports.ports.joined(separator: " "))")
        lines.append("learned MACs: \(learned.macCount)")
        lines.append(
            "faults: switch \(outcome.findings.switchFaults.sorted()), ports \(outcome.findings.portFaults.mapValues { $0.sorted() }.sorted { $0.key < $1.key })"
        )
        lines.append("flows: \(outcome.flowCount) desired, \(reconciler.installed.count) installed")
        lines.append(
            "upcalls: \(upcalls.handled) handled, \(upcalls.dropped) dropped, \(upcalls.rejectedTunnelFrames) VXLAN frames from no locator of their VNI"
        )
        let sessions = tunnelHealth?.statuses ?? [:]
        lines.append("bfd: \(sessions.isEmpty ? "no sessions" : "")")
        for (remote, status) in sessions.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            lines.append(
                "  \(ipv4Text(remote)): \(status.state)\(status.settling ? " (settling)" : ""), forwarding \(status.forwarding), remote \(status.remoteState), \(status.flaps) flaps, \(status.diagnostic)"
            )
        }
        for (vni, node) in outcome.findings.serviceNodes.sorted(by: { $0.key < $1.key }) {
            lines.append("service node of VNI \(vni): \(ipv4Text(node))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `vtep/show-macs`: learned local MACs, then the database's remote ones,
    /// as `VNI MAC where`.
    public func macTableText() async -> String {
        var lines = ["learned (local):"]
        for (local, vni) in learned.entries.sorted(by: { ($0.vni, $0.local.mac) < ($1.vni, $1.local.mac) }) {
            lines.append("  \(vni) \(local.mac) \(local.port)\(local.vlan == 0 ? "" : " vlan \(local.vlan)")")
        }
        lines.append("remote (Ucast_Macs_Remote):")
        let database = await client.replica
        let keys = Dictionary(database.logicalSwitches.rows.map { ($0.key, $0.value.tunnelKey.map(String.init) ?? "-") }) { first, _ in
            first
        }
        for row in database.ucastMacsRemote.rows.values.sorted(by: { $0.mac < $1.mac }) {
            lines.append("  \(keys[row.logicalSwitch] ?? "-") \(row.mac) \(database.locators[row.locator]?.dstIP ?? "?")")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `vtep/resync`: reads the kernel's flows again and runs a full pass
    /// (every row recompiled, every flow compared).
    public func resync() async -> Result<String, NetlinkError> {
        do throws(NetlinkError) {
            try reconciler.resync()
        } catch {
            return .failure(error)
        }
        passRunner.recompileEverything()
        await runPass()
        let report = passRunner.lastOutcome.map { "\($0.report)" } ?? "no pass"
        logger.info("control: resync asked for: \(report)")
        return .success("resynced: \(report)\n")
    }

    /// `vtep/flush-learned LOGICAL-SWITCH`: forgets every MAC learned in
    /// that logical switch (they are learned again from their next
    /// frame); returns how many, nil when no bound switch has that name.
    public func flushLearned(logicalSwitch name: String) async -> Int? {
        guard let vni = passRunner.lastOutcome?.findings.bindings.first(where: { $0.logicalSwitchName == name })?.vni else { return nil }
        let forgotten = learned.entries.filter { $0.vni == vni }
        for entry in forgotten { learned.forget(entry.local.mac, vni: vni) }
        logger.info("control: forgot the \(forgotten.count) MACs learned in \(name), as asked")
        await runPass()
        return forgotten.count
    }
}
