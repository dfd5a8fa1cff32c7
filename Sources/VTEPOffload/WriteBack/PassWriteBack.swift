import OVSDB
import VTEPCompiler
import VTEPModel

/// The database half of a pass, what ovs-vtep writes: the switch's ports,
/// `unknown-dst` → our tunnel IP, the local MACs a pass installed flows
/// for, and the faults it found.
public struct PassWriteBack: Sendable {
    /// The client whose replica is read and through which rows are written.
    public let client: OVSDBClient<VTEPDatabase>
    /// The Physical_Switch we serve.
    public let switchName: String
    /// What the switch's `description` says (nil: left alone).
    public var description: String?
    /// The switch's `management_ips` (nil: left alone).
    public var managementIPs: Set<String>?

    /// A write-back for `switchName` through `client`.
    public init(client: OVSDBClient<VTEPDatabase>, switchName: String, description: String? = nil, managementIPs: Set<String>? = nil) {
        self.client = client
        self.switchName = switchName
        self.description = description
        self.managementIPs = managementIPs
    }

    /// Writes what `outcome` found, and the BFD sessions' `tunnelStatuses`. It reports the outcome's local MACs,
    /// not the learned state as it is by now, so a MAC is listed only once
    /// its flows are installed.
    /// - Throws: `SyncPass.SyncError.noSuchSwitch` when the switch left the
    ///   database, or the transaction's `OVSDBError`.
    public func write(_ outcome: SyncPass.Outcome, tunnelStatuses: [[UInt8]: TunnelStatus] = [:]) async throws {
        let findings = outcome.findings
        let database = await client.replica
        guard let (switchID, physicalSwitch) = database.physicalSwitch(named: switchName) else {
            throw SyncPass.SyncError.noSuchSwitch(switchName)
        }
        let writer = VTEPWriter(client: client)
        try await writer.setPhysicalPorts(outcome.ports.ports, removing: outcome.ports.deleteRows, on: switchName)
        if description != nil || managementIPs != nil {
            try await writer.setSwitchIdentity(description: description, managementIPs: managementIPs, switch: switchID)
        }
        if physicalSwitch.tunnelIPs.count == 1, let localIP = physicalSwitch.tunnelIPs.first {
            var localBySwitch: [OVSDBUUID: Set<String>] = [:]
            for switchID in Set(findings.bindings.map(\.logicalSwitch)) {
                try await writer.setMcastMacLocal("unknown-dst", logicalSwitch: switchID, tunnelIPs: [localIP])
                localBySwitch[switchID] = []
            }
            let bindingOf = Dictionary(findings.bindings.map { (PortVLAN($0), $0) }, uniquingKeysWith: { first, _ in first })
            var addresses: [OVSDBUUID: [String: [String]]] = [:]
            // A remote MAC seen on a local port stays the controller's: not listed here.
            for local in outcome.localMACs where !findings.remoteMACsSeenLocally.contains(local) {
                if let binding = bindingOf[PortVLAN(port: local.port, vlan: local.vlan)] {
                    localBySwitch[binding.logicalSwitch]?.insert(local.mac.description)
                    if let announced = outcome.localAddresses[binding.vni]?[local.mac] {
                        addresses[binding.logicalSwitch, default: [:]][local.mac.description] = announced
                    }
                }
            }
            try await writer.setUcastMacsLocal(localBySwitch, addresses: addresses, tunnelIP: localIP)
            // A switch no longer bound here is no longer reached through us.
            try await writer.removeMcastMacsLocal("unknown-dst", except: Set(localBySwitch.keys), tunnelIP: localIP)
            try await writeTunnels(findings, statuses: tunnelStatuses, switch: switchID, localIP: localIP)
        }
        var switchFaults = findings.switchFaults
        if findings.bindings.contains(where: { outcome.exhaustedVNIs.contains($0.vni) }) { switchFaults.insert("mac_table_exhaustion") }
        try await writer.setSwitchFaults(switchFaults, switch: switchID)
        let bound = Set(findings.bindings.map(PortVLAN.init))
        for (portID, port) in database.physicalPorts.rows where physicalSwitch.ports.contains(portID) {
            try await writer.setPortFaults(findings.portFaults[port.name] ?? [], port: portID)
            // The statistics of a binding that is gone (unbound, or now faulty).
            let unbound = port.vlanStats.keys.filter { vlan in
                UInt16(exactly: vlan).map { !bound.contains(PortVLAN(port: port.name, vlan: $0)) } ?? true
            }
            try await writer.removeBindingStats(vlans: unbound, port: portID)
        }
    }

    /// The Tunnel rows: one per remote locator a pass tunnels to or admits
    /// from, each with its BFD session's `bfd_status` (by remote locator).
    /// Also written alone, when a session changes state between passes.
    public func writeTunnels(_ findings: CompileFindings, statuses: [[UInt8]: TunnelStatus]) async throws {
        let database = await client.replica
        guard let (switchID, physicalSwitch) = database.physicalSwitch(named: switchName), physicalSwitch.tunnelIPs.count == 1,
            let localIP = physicalSwitch.tunnelIPs.first
        else { return }
        try await writeTunnels(findings, statuses: statuses, switch: switchID, localIP: localIP)
    }

    /// `writeTunnels` for a switch and tunnel IP already looked up.
    private func writeTunnels(
        _ findings: CompileFindings, statuses: [[UInt8]: TunnelStatus], switch switchID: OVSDBUUID, localIP: String
    ) async throws {
        let remotes = Set(findings.tunnelSources.values.joined().map(ipv4Text))
        let columns = Dictionary(statuses.map { (ipv4Text($0.key), $0.value.columns) }, uniquingKeysWith: { first, _ in first })
        try await VTEPWriter(client: client).setTunnels(switch: switchID, localIP: localIP, remoteIPs: remotes, statuses: columns)
    }

    /// Logical_Binding_Stats for each binding of `bindings` whose counters
    /// differ from `written`; returns the counters now written, by binding.
    public func writeStatistics(
        _ totals: [PortVLAN: BindingCounters], bindings: [Binding],
        written: [PortVLAN: BindingCounters]
    ) async -> (written: [PortVLAN: BindingCounters], failures: [String]) {
        // A binding that went and came back has no row any more: write it again.
        let current = Set(bindings.map(PortVLAN.init))
        var written = written.filter { current.contains($0.key) }, failures: [String] = []
        let database = await client.replica
        let writer = VTEPWriter(client: client)
        for binding in bindings {
            let place = PortVLAN(binding)
            let counters = totals[place] ?? BindingCounters()
            guard written[place] != counters,
                let portID = database.physicalPorts.rows.first(where: { $0.value.name == binding.port })?.key
            else { continue }
            do {
                try await writer.setBindingStats(
                    VTEPLogicalBindingStats(
                        packets: (counters.packetsFromLocal.clampedInt, counters.packetsToLocal.clampedInt),
                        bytes: (counters.bytesFromLocal.clampedInt, counters.bytesToLocal.clampedInt)), port: portID,
                    vlan: Int(binding.vlan))
                written[place] = counters
            } catch {
                failures.append("statistics of \(place): \(error)")
            }
        }
        return (written, failures)
    }
}

extension UInt64 {
    /// The counter as an OVSDB integer (64-bit signed), saturating rather than trapping.
    fileprivate var clampedInt: Int { Int(clamping: self) }
}
