import OVSDatapathNL

/// One pass of vtep-kdp's pipeline: the replica as it is now → compiler →
/// reconciler → kernel, then the write-back ovs-vtep does (the switch's
/// ports, `unknown-dst` → our tunnel IP, local MACs, faults). `vtep-kdp
/// sync` runs it once; the daemon runs it on every change.
public struct SyncPass {
    public let client: OVSDBClient<VTEPDatabase>
    public let reconciler: Reconciler
    public let switchName: String

    public init(client: OVSDBClient<VTEPDatabase>, reconciler: Reconciler, switchName: String) {
        self.client = client
        self.reconciler = reconciler
        self.switchName = switchName
    }

    public struct Outcome: Sendable {
        public var state: DesiredDatapathState
        public var report: Reconciler.Report
    }

    /// The datapath's port numbers by name, and its VXLAN port.
    public static func portLayout(_ connection: DatapathConnection, _ datapath: Datapath) throws -> (ports: [String: UInt32], tunnel: UInt32) {
        let vports = try connection.vports(of: datapath)
        guard let tunnel = vports.first(where: { $0.type == .vxlan || $0.name.hasPrefix("vxlan_sys_") }) else {
            throw SyncError.noTunnelPort(datapath.name)
        }
        return (Dictionary(vports.map { ($0.name, $0.portNumber) }, uniquingKeysWith: { first, _ in first }), tunnel.portNumber)
    }

    public enum SyncError: Error, CustomStringConvertible {
        case noTunnelPort(String)
        case noSuchSwitch(String)
        public var description: String {
            switch self {
            case .noTunnelPort(let datapath): "datapath \(datapath) has no VXLAN port"
            case .noSuchSwitch(let name): "Physical_Switch \(name) is not in the database (vtep-ctl add-ps \(name))"
            }
        }
    }

    /// Runs on the caller's actor: the reconciler (and its socket) has one owner.
    public func run(localMACs: [LocalMAC], isolation: isolated (any Actor)? = #isolation) async throws -> Outcome {
        var database = await client.replica
        guard let (switchID, physicalSwitch) = database.physicalSwitch(named: switchName) else { throw SyncError.noSuchSwitch(switchName) }
        let (ports, tunnel) = try Self.portLayout(reconciler.connection, reconciler.datapath)
        let writer = VTEPWriter(client: client)
        try await writer.ensurePhysicalPorts(physicalSwitch.ports.compactMap { database.physicalPorts[$0]?.name }, on: switchName)

        let state = VTEPCompiler.compile(CompilerInput(database: database, switchName: switchName, portNumbers: ports,
                                                       tunnelPort: tunnel, localMACs: localMACs))
        let report = reconciler.reconcile(state.flows)

        database = await client.replica
        if physicalSwitch.tunnelIPs.count == 1, let localIP = physicalSwitch.tunnelIPs.first {
            for switchID in Set(state.bindings.map(\.logicalSwitch)) {
                try await writer.setMcastMacLocal("unknown-dst", logicalSwitch: switchID, tunnelIPs: [localIP])
                for local in localMACs where state.bindings.contains(where: { $0.logicalSwitch == switchID && $0.port == local.port && $0.vlan == local.vlan }) {
                    try await writer.addUcastMacLocal(local.mac.description, logicalSwitch: switchID, tunnelIP: localIP)
                }
            }
        }
        try await writer.setSwitchFaults(state.switchFaults, switch: switchID)
        for (portID, port) in database.physicalPorts.rows where physicalSwitch.ports.contains(portID) {
            try await writer.setPortFaults(state.portFaults[port.name] ?? [], port: portID)
        }
        return Outcome(state: state, report: report)
    }
}
