import OVSDB

/// The client's copy of the hardware_vtep database: every table, typed.
/// Kept current by `OVSDBClient<VTEPDatabase>`; read by the compiler.
public struct VTEPDatabase: OVSDBReplica, Equatable {
    /// A change is a `VTEPChange`: one row change, tagged with its table.
    public typealias Change = VTEPChange

    /// The Global table (one row).
    public var global = OVSDBTable<VTEPGlobal>()
    /// The Manager table: ovsdb-server's connections to controllers.
    public var managers = OVSDBTable<VTEPManager>()
    /// The Physical_Switch table; vtep-kdp plays the one named on its command line.
    public var physicalSwitches = OVSDBTable<VTEPPhysicalSwitch>()
    /// The Physical_Port table: the switches' ports and their VLAN bindings.
    public var physicalPorts = OVSDBTable<VTEPPhysicalPort>()
    /// The Tunnel table: BFD configuration and state per pair of locators.
    public var tunnels = OVSDBTable<VTEPTunnel>()
    /// The Logical_Binding_Stats table: per-binding counters vtep-kdp writes.
    public var bindingStats = OVSDBTable<VTEPLogicalBindingStats>()
    /// The Logical_Switch table: the layer-2 domains and their VNIs.
    public var logicalSwitches = OVSDBTable<VTEPLogicalSwitch>()
    /// Ucast_Macs_Local: the MACs learned behind our ports (written by vtep-kdp).
    public var ucastMacsLocal = OVSDBTable<VTEPUcastMac<VTEPLocal>>()
    /// Ucast_Macs_Remote: the MACs behind other VTEPs (written by the NVC).
    public var ucastMacsRemote = OVSDBTable<VTEPUcastMac<VTEPRemote>>()
    /// Mcast_Macs_Local: our `unknown-dst` locator per logical switch (written by
    /// vtep-kdp).
    public var mcastMacsLocal = OVSDBTable<VTEPMcastMac<VTEPLocal>>()
    /// Mcast_Macs_Remote: where each switch's BUM traffic goes (`unknown-dst`).
    public var mcastMacsRemote = OVSDBTable<VTEPMcastMac<VTEPRemote>>()
    /// The Physical_Locator_Set table: the locator sets of the Mcast_Macs rows.
    public var locatorSets = OVSDBTable<VTEPPhysicalLocatorSet>()
    /// The Physical_Locator table: the tunnel endpoints (VXLAN over IPv4, by IP).
    public var locators = OVSDBTable<VTEPPhysicalLocator>()
    /// The Logical_Router table; kept only to report it as unsupported.
    public var logicalRouters = OVSDBTable<VTEPLogicalRouter>()
    /// The ACL table; kept only to report ACL bindings as unsupported.
    public var acls = OVSDBTable<VTEPACL>()
    /// The ACL_entry table; kept, not acted on.
    public var aclEntries = OVSDBTable<VTEPACLEntry>()
    /// Arp_Sources_Local; kept, not acted on.
    public var arpSourcesLocal = OVSDBTable<VTEPArpSource<VTEPLocal>>()
    /// Arp_Sources_Remote; kept, not acted on.
    public var arpSourcesRemote = OVSDBTable<VTEPArpSource<VTEPRemote>>()

    /// An empty replica, before the monitor's first reply.
    public init() {}

    /// The database's name in the schema, as `monitor` and `transact` name it.
    public static let databaseName = "hardware_vtep"
    /// Debian's openvswitch-vtep ships 1.7.0; every 1.x since 1.3 has the
    /// columns used here.
    public static let requiredSchemaVersion = OVSDBSchemaVersion(major: 1, minor: 3)

    /// Every table with every column the row types decode.
    public static let monitoredTables: [(table: String, columns: [String])] = [
        (VTEPGlobal.tableName, VTEPGlobal.columnNames),
        (VTEPManager.tableName, VTEPManager.columnNames),
        (VTEPPhysicalSwitch.tableName, VTEPPhysicalSwitch.columnNames),
        (VTEPPhysicalPort.tableName, VTEPPhysicalPort.columnNames),
        (VTEPTunnel.tableName, VTEPTunnel.columnNames),
        (VTEPLogicalBindingStats.tableName, VTEPLogicalBindingStats.columnNames),
        (VTEPLogicalSwitch.tableName, VTEPLogicalSwitch.columnNames),
        (VTEPUcastMac<VTEPLocal>.tableName, VTEPUcastMac<VTEPLocal>.columnNames),
        (VTEPUcastMac<VTEPRemote>.tableName, VTEPUcastMac<VTEPRemote>.columnNames),
        (VTEPMcastMac<VTEPLocal>.tableName, VTEPMcastMac<VTEPLocal>.columnNames),
        (VTEPMcastMac<VTEPRemote>.tableName, VTEPMcastMac<VTEPRemote>.columnNames),
        (VTEPPhysicalLocatorSet.tableName, VTEPPhysicalLocatorSet.columnNames),
        (VTEPPhysicalLocator.tableName, VTEPPhysicalLocator.columnNames),
        (VTEPLogicalRouter.tableName, VTEPLogicalRouter.columnNames),
        (VTEPACL.tableName, VTEPACL.columnNames),
        (VTEPACLEntry.tableName, VTEPACLEntry.columnNames),
        (VTEPArpSource<VTEPLocal>.tableName, VTEPArpSource<VTEPLocal>.columnNames),
        (VTEPArpSource<VTEPRemote>.tableName, VTEPArpSource<VTEPRemote>.columnNames),
    ]

    /// Applies a monitor reply's or update notification's table-updates object to
    /// the tables it names; tables this replica does not hold are skipped.
    /// - Parameters:
    ///   - reader: positioned on the `<table-updates>` or `<table-updates2>` object.
    ///   - format: which of the two the object is.
    ///   - changes: receives one `VTEPChange` per row inserted, modified or deleted.
    /// - Throws: `JSONError` at the first malformed table or row update.
    public mutating func apply(_ reader: inout JSONReader, format: OVSDBUpdateFormat, changes: inout [VTEPChange]) throws(JSONError) {
        try reader.readObject { (reader, table) throws(JSONError) in
            switch table {
            case VTEPGlobal.tableName: try global.apply(&reader, format: format, changes: &changes, VTEPChange.global)
            case VTEPManager.tableName: try managers.apply(&reader, format: format, changes: &changes, VTEPChange.manager)
            case VTEPPhysicalSwitch.tableName:
                try physicalSwitches.apply(&reader, format: format, changes: &changes, VTEPChange.physicalSwitch)
            case VTEPPhysicalPort.tableName: try physicalPorts.apply(&reader, format: format, changes: &changes, VTEPChange.physicalPort)
            case VTEPTunnel.tableName: try tunnels.apply(&reader, format: format, changes: &changes, VTEPChange.tunnel)
            case VTEPLogicalBindingStats.tableName:
                try bindingStats.apply(&reader, format: format, changes: &changes, VTEPChange.bindingStats)
            case VTEPLogicalSwitch.tableName:
                try logicalSwitches.apply(&reader, format: format, changes: &changes, VTEPChange.logicalSwitch)
            case "Ucast_Macs_Local": try ucastMacsLocal.apply(&reader, format: format, changes: &changes, VTEPChange.ucastMacLocal)
            case "Ucast_Macs_Remote": try ucastMacsRemote.apply(&reader, format: format, changes: &changes, VTEPChange.ucastMacRemote)
            case "Mcast_Macs_Local": try mcastMacsLocal.apply(&reader, format: format, changes: &changes, VTEPChange.mcastMacLocal)
            case "Mcast_Macs_Remote": try mcastMacsRemote.apply(&reader, format: format, changes: &changes, VTEPChange.mcastMacRemote)
            case VTEPPhysicalLocatorSet.tableName: try locatorSets.apply(&reader, format: format, changes: &changes, VTEPChange.locatorSet)
            case VTEPPhysicalLocator.tableName: try locators.apply(&reader, format: format, changes: &changes, VTEPChange.locator)
            case VTEPLogicalRouter.tableName: try logicalRouters.apply(&reader, format: format, changes: &changes, VTEPChange.logicalRouter)
            case VTEPACL.tableName: try acls.apply(&reader, format: format, changes: &changes, VTEPChange.acl)
            case VTEPACLEntry.tableName: try aclEntries.apply(&reader, format: format, changes: &changes, VTEPChange.aclEntry)
            case "Arp_Sources_Local": try arpSourcesLocal.apply(&reader, format: format, changes: &changes, VTEPChange.arpSourceLocal)
            case "Arp_Sources_Remote": try arpSourcesRemote.apply(&reader, format: format, changes: &changes, VTEPChange.arpSourceRemote)
            default: try reader.skipValue()
            }
        }
    }

    /// The changes that turn this replica into `other`, table by table: used
    /// after a reconnect that had to fetch everything again.
    public func changes(to other: VTEPDatabase) -> [VTEPChange] {
        global.changes(to: other.global).map(VTEPChange.global)
            + managers.changes(to: other.managers).map(VTEPChange.manager)
            + physicalSwitches.changes(to: other.physicalSwitches).map(VTEPChange.physicalSwitch)
            + physicalPorts.changes(to: other.physicalPorts).map(VTEPChange.physicalPort)
            + tunnels.changes(to: other.tunnels).map(VTEPChange.tunnel)
            + bindingStats.changes(to: other.bindingStats).map(VTEPChange.bindingStats)
            + logicalSwitches.changes(to: other.logicalSwitches).map(VTEPChange.logicalSwitch)
            + ucastMacsLocal.changes(to: other.ucastMacsLocal).map(VTEPChange.ucastMacLocal)
            + ucastMacsRemote.changes(to: other.ucastMacsRemote).map(VTEPChange.ucastMacRemote)
            + mcastMacsLocal.changes(to: other.mcastMacsLocal).map(VTEPChange.mcastMacLocal)
            + mcastMacsRemote.changes(to: other.mcastMacsRemote).map(VTEPChange.mcastMacRemote)
            + locatorSets.changes(to: other.locatorSets).map(VTEPChange.locatorSet)
            + locators.changes(to: other.locators).map(VTEPChange.locator)
            + logicalRouters.changes(to: other.logicalRouters).map(VTEPChange.logicalRouter)
            + acls.changes(to: other.acls).map(VTEPChange.acl)
            + aclEntries.changes(to: other.aclEntries).map(VTEPChange.aclEntry)
            + arpSourcesLocal.changes(to: other.arpSourcesLocal).map(VTEPChange.arpSourceLocal)
            + arpSourcesRemote.changes(to: other.arpSourcesRemote).map(VTEPChange.arpSourceRemote)
    }

    // MARK: Look-ups the compiler and the writers need

    /// Our Physical_Switch row, by its `name`, with its UUID; nil while it has
    /// not been created.
    public func physicalSwitch(named name: String) -> (OVSDBUUID, VTEPPhysicalSwitch)? {
        physicalSwitches.rows.first { $0.value.name == name }.map { ($0.key, $0.value) }
    }

    /// A Logical_Switch row by its `name`, with its UUID.
    public func logicalSwitch(named name: String) -> (OVSDBUUID, VTEPLogicalSwitch)? {
        logicalSwitches.rows.first { $0.value.name == name }.map { ($0.key, $0.value) }
    }

    /// The locator for `dstIP` with VXLAN-over-IPv4 encapsulation.
    public func locator(dstIP: String) -> OVSDBUUID? {
        locators.rows.first { $0.value.dstIP == dstIP && $0.value.encapsulationType == "vxlan_over_ipv4" && $0.value.tunnelKey == nil }?.key
    }
}

/// One row change in the hardware_vtep database, by table.
public enum VTEPChange: Sendable, Equatable {
    case global(RowChange<VTEPGlobal>)
    case manager(RowChange<VTEPManager>)
    case physicalSwitch(RowChange<VTEPPhysicalSwitch>)
    case physicalPort(RowChange<VTEPPhysicalPort>)
    case tunnel(RowChange<VTEPTunnel>)
    case bindingStats(RowChange<VTEPLogicalBindingStats>)
    case logicalSwitch(RowChange<VTEPLogicalSwitch>)
    case ucastMacLocal(RowChange<VTEPUcastMac<VTEPLocal>>)
    case ucastMacRemote(RowChange<VTEPUcastMac<VTEPRemote>>)
    case mcastMacLocal(RowChange<VTEPMcastMac<VTEPLocal>>)
    case mcastMacRemote(RowChange<VTEPMcastMac<VTEPRemote>>)
    case locatorSet(RowChange<VTEPPhysicalLocatorSet>)
    case locator(RowChange<VTEPPhysicalLocator>)
    case logicalRouter(RowChange<VTEPLogicalRouter>)
    case acl(RowChange<VTEPACL>)
    case aclEntry(RowChange<VTEPACLEntry>)
    case arpSourceLocal(RowChange<VTEPArpSource<VTEPLocal>>)
    case arpSourceRemote(RowChange<VTEPArpSource<VTEPRemote>>)
}

extension VTEPChange {
    /// Whether the change can alter the compiled flows. The tables vtep-kdp
    /// writes back (local MACs, statistics, tunnels' status) and those it does not
    /// act on cannot; nor can a Physical_Port change that leaves its name
    /// and bindings alone (a fault or statistics column written by us).
    public var affectsForwarding: Bool {
        switch self {
        case .physicalSwitch, .logicalSwitch, .ucastMacRemote, .mcastMacRemote, .locatorSet, .locator:
            true
        case .physicalPort(.modify(_, let old, let new)):
            old.name != new.name || old.vlanBindings != new.vlanBindings
        case .physicalPort:
            true
        // A Tunnel's BFD settings are the controller's (sessions and their
        // flows follow them); its bfd_status and the rows themselves are ours.
        case .tunnel(.modify(_, let old, let new)):
            old.bfdParams != new.bfdParams || old.bfdConfigRemote != new.bfdConfigRemote || old.local != new.local
                || old.remote != new.remote
        case .tunnel(.insert(_, let row)), .tunnel(.delete(_, let row)):
            row.bfdParams["enable"] == "true"
        case .global, .manager, .bindingStats, .ucastMacLocal, .mcastMacLocal, .logicalRouter, .acl, .aclEntry,
            .arpSourceLocal, .arpSourceRemote:
            false
        }
    }
}
