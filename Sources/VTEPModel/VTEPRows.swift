import OVSDB

// Typed rows of the hardware_vtep schema (vtep.ovsschema 1.x), one struct
// per table, holding every column. Column types follow the schema: a
// required atom is a plain value, min 0 / max 1 an Optional, max > 1 a Set,
// a map a Dictionary.

/// A set of row references: a column of type `set of <table>` in the schema.
public typealias UUIDSet = Set<OVSDBUUID>
/// A string-to-string map column, such as every table's `other_config`.
public typealias StringMap = [String: String]

/// The Global table's one row: the top-level configuration of the VTEP.
public struct VTEPGlobal: OVSDBRow {
    /// The table's name in the hardware_vtep schema.
    public static let tableName = "Global"
    /// The table's columns, each named once: the monitor asks for these,
    /// and `decode` must handle every one (the switch is exhaustive).
    public enum Column: String, CaseIterable, Sendable {
        case managers, switches
        case otherConfig = "other_config"
    }
    /// `managers`: the Manager rows, the OVSDB connections to controllers that
    /// ovsdb-server keeps on the VTEP's behalf. vtep-kdp does not act on them.
    public var managers = UUIDSet()
    /// `switches`: the Physical_Switch rows this VTEP manages. vtep-kdp finds its
    /// own switch by name instead.
    public var switches = UUIDSet()
    /// `other_config`: key-value pairs for rarely used or proprietary features.
    public var otherConfig = StringMap()
    /// A row with every column at its schema default.
    public init() {}
    /// Decodes `column` into the row (see `OVSDBRow.decode(_:from:diff:)`).
    public mutating func decode(_ column: Column, from reader: inout JSONReader, diff: Bool) throws(JSONError) {
        switch column {
        case .managers: try OVSDB.decodeColumn(&managers, &reader, diff: diff)
        case .switches: try OVSDB.decodeColumn(&switches, &reader, diff: diff)
        case .otherConfig: try OVSDB.decodeColumn(&otherConfig, &reader, diff: diff)
        }
    }
}

/// A Manager row: one OVSDB management connection, typically to the NVC.
/// Kept in the replica, not acted on.
public struct VTEPManager: OVSDBRow {
    /// The table's name in the hardware_vtep schema.
    public static let tableName = "Manager"
    /// The table's columns, each named once: the monitor asks for these,
    /// and `decode` must handle every one (the switch is exhaustive).
    public enum Column: String, CaseIterable, Sendable {
        case target
        case maxBackoff = "max_backoff"
        case inactivityProbe = "inactivity_probe"
        case otherConfig = "other_config"
        case isConnected = "is_connected"
        case status
    }
    /// `target`: the connection method, in OVS remote syntax (`ssl:IP:PORT`,
    /// `tcp:IP:PORT`, `pssl:`…).
    public var target = ""
    /// `max_backoff`: the longest wait between connection attempts, in
    /// milliseconds; nil leaves ovsdb-server's default.
    public var maxBackoff: Int?
    /// `inactivity_probe`: milliseconds of silence before ovsdb-server probes the
    /// peer; nil leaves its default, 0 turns probing off.
    public var inactivityProbe: Int?
    /// `other_config`: key-value pairs for rarely used or proprietary features.
    public var otherConfig = StringMap()
    /// `is_connected`: whether ovsdb-server is connected to this manager now.
    public var isConnected = false
    /// `status`: ovsdb-server's report on the connection (`state`,
    /// `sec_since_connect`, `last_error`…).
    public var status = StringMap()
    /// A row with every column at its schema default.
    public init() {}
    /// Decodes `column` into the row (see `OVSDBRow.decode(_:from:diff:)`).
    public mutating func decode(_ column: Column, from reader: inout JSONReader, diff: Bool) throws(JSONError) {
        switch column {
        case .target: try OVSDB.decodeColumn(&target, &reader, diff: diff)
        case .maxBackoff: try OVSDB.decodeColumn(&maxBackoff, &reader, diff: diff)
        case .inactivityProbe: try OVSDB.decodeColumn(&inactivityProbe, &reader, diff: diff)
        case .otherConfig: try OVSDB.decodeColumn(&otherConfig, &reader, diff: diff)
        case .isConnected: try OVSDB.decodeColumn(&isConnected, &reader, diff: diff)
        case .status: try OVSDB.decodeColumn(&status, &reader, diff: diff)
        }
    }
}

/// A Physical_Switch row: a switch the VTEP manages. vtep-kdp is given one by
/// name (its PS-NAME argument) and makes the datapath play that switch.
public struct VTEPPhysicalSwitch: OVSDBRow {
    /// The table's name in the hardware_vtep schema.
    public static let tableName = "Physical_Switch"
    /// The table's columns, each named once: the monitor asks for these,
    /// and `decode` must handle every one (the switch is exhaustive).
    public enum Column: String, CaseIterable, Sendable {
        case ports, name, description
        case managementIPs = "management_ips"
        case tunnelIPs = "tunnel_ips"
        case tunnels
        case otherConfig = "other_config"
        case switchFaultStatus = "switch_fault_status"
    }
    /// `ports`: the switch's Physical_Port rows; vtep-kdp adds a row for each of
    /// its ports.
    public var ports = UUIDSet()
    /// `name`: the switch's symbolic name, the one vtep-kdp is started with.
    public var name = ""
    /// `description`: free text for humans.
    public var description = ""
    /// `management_ips`: the switch's management addresses; not used by vtep-kdp.
    public var managementIPs = Set<String>()
    /// `tunnel_ips`: the switch's tunnel endpoint addresses. vtep-kdp needs
    /// exactly one IPv4 address here, the source of every VXLAN packet it sends;
    /// anything else is an `unspecified_fault`.
    public var tunnelIPs = Set<String>()
    /// `tunnels`: the Tunnel rows, one per remote tunnel endpoint, that carry BFD
    /// configuration and status.
    public var tunnels = UUIDSet()
    /// `other_config`: key-value pairs for rarely used or proprietary features.
    public var otherConfig = StringMap()
    /// `switch_fault_status`: the switch's faults. vtep-kdp reports here what it
    /// cannot honour switch-wide: `unspecified_fault` (not exactly one IPv4
    /// tunnel IP, or a locator that is not `vxlan_over_ipv4` to an IPv4
    /// address), `lr_support_fault` (a logical router over one of its
    /// switches) and `mac_table_exhaustion` (a logical switch reached
    /// `--mac-limit` learned MACs).
    public var switchFaultStatus = Set<String>()
    /// A row with every column at its schema default.
    public init() {}
    /// Decodes `column` into the row (see `OVSDBRow.decode(_:from:diff:)`).
    public mutating func decode(_ column: Column, from reader: inout JSONReader, diff: Bool) throws(JSONError) {
        switch column {
        case .ports: try OVSDB.decodeColumn(&ports, &reader, diff: diff)
        case .name: try OVSDB.decodeColumn(&self.name, &reader, diff: diff)
        case .description: try OVSDB.decodeColumn(&description, &reader, diff: diff)
        case .managementIPs: try OVSDB.decodeColumn(&managementIPs, &reader, diff: diff)
        case .tunnelIPs: try OVSDB.decodeColumn(&tunnelIPs, &reader, diff: diff)
        case .tunnels: try OVSDB.decodeColumn(&tunnels, &reader, diff: diff)
        case .otherConfig: try OVSDB.decodeColumn(&otherConfig, &reader, diff: diff)
        case .switchFaultStatus: try OVSDB.decodeColumn(&switchFaultStatus, &reader, diff: diff)
        }
    }
}

/// A Physical_Port row: a port of a Physical_Switch, which vtep-kdp maps to
/// the datapath vport of the network device with the same name.
public struct VTEPPhysicalPort: OVSDBRow {
    /// The table's name in the hardware_vtep schema.
    public static let tableName = "Physical_Port"
    /// The table's columns, each named once: the monitor asks for these,
    /// and `decode` must handle every one (the switch is exhaustive).
    public enum Column: String, CaseIterable, Sendable {
        case name, description
        case vlanBindings = "vlan_bindings"
        case aclBindings = "acl_bindings"
        case vlanStats = "vlan_stats"
        case otherConfig = "other_config"
        case portFaultStatus = "port_fault_status"
    }
    /// `name`: the port's name, which is also the name of its network device.
    public var name = ""
    /// `description`: free text for humans.
    public var description = ""
    /// VLAN (0 = untagged) → Logical_Switch.
    public var vlanBindings = [Int: OVSDBUUID]()
    /// `acl_bindings`: VLAN → ACL. vtep-kdp implements no ACLs and reports a
    /// binding as `invalid_ACL_binding`.
    public var aclBindings = [Int: OVSDBUUID]()
    /// VLAN → Logical_Binding_Stats.
    public var vlanStats = [Int: OVSDBUUID]()
    /// `other_config`: key-value pairs for rarely used or proprietary features.
    public var otherConfig = StringMap()
    /// `port_fault_status`: the port's faults. vtep-kdp reports here the bindings
    /// it cannot instantiate: `invalid_vlan_map` (a bad VLAN, a missing,
    /// out-of-range or duplicate VNI, two VLANs to one switch),
    /// `invalid_ACL_binding`, and `unspecified_fault` (no such network device).
    public var portFaultStatus = Set<String>()
    /// A row with every column at its schema default.
    public init() {}
    /// Decodes `column` into the row (see `OVSDBRow.decode(_:from:diff:)`).
    public mutating func decode(_ column: Column, from reader: inout JSONReader, diff: Bool) throws(JSONError) {
        switch column {
        case .name: try OVSDB.decodeColumn(&self.name, &reader, diff: diff)
        case .description: try OVSDB.decodeColumn(&description, &reader, diff: diff)
        case .vlanBindings: try OVSDB.decodeColumn(&vlanBindings, &reader, diff: diff)
        case .aclBindings: try OVSDB.decodeColumn(&aclBindings, &reader, diff: diff)
        case .vlanStats: try OVSDB.decodeColumn(&vlanStats, &reader, diff: diff)
        case .otherConfig: try OVSDB.decodeColumn(&otherConfig, &reader, diff: diff)
        case .portFaultStatus: try OVSDB.decodeColumn(&portFaultStatus, &reader, diff: diff)
        }
    }
}

/// A Tunnel row: the tunnel from one of our locators to a remote one, with
/// its BFD configuration and state. vtep-kdp runs no BFD yet.
public struct VTEPTunnel: OVSDBRow {
    /// The table's name in the hardware_vtep schema.
    public static let tableName = "Tunnel"
    /// The table's columns, each named once: the monitor asks for these,
    /// and `decode` must handle every one (the switch is exhaustive).
    public enum Column: String, CaseIterable, Sendable {
        case local, remote
        case bfdConfigLocal = "bfd_config_local"
        case bfdConfigRemote = "bfd_config_remote"
        case bfdParams = "bfd_params"
        case bfdStatus = "bfd_status"
    }
    /// `local`: the Physical_Locator of this end (our tunnel IP).
    public var local = OVSDBUUID(0)
    /// `remote`: the Physical_Locator of the remote VTEP.
    public var remote = OVSDBUUID(0)
    /// `bfd_config_local`: BFD settings of this end (`bfd_dst_mac`, `bfd_dst_ip`).
    public var bfdConfigLocal = StringMap()
    /// `bfd_config_remote`: BFD settings of the remote end (`bfd_dst_mac`,
    /// `bfd_dst_ip`), written by the NVC.
    public var bfdConfigRemote = StringMap()
    /// `bfd_params`: BFD session parameters (`enable`, `min_rx`, `min_tx`,
    /// `decay_min_rx`, `forwarding_if_rx`, `cpath_down`, `check_tnl_key`).
    public var bfdParams = StringMap()
    /// `bfd_status`: the BFD session's state as the VTEP reports it (`enabled`,
    /// `state`, `forwarding`, `diagnostic`…).
    public var bfdStatus = StringMap()
    /// A row with every column at its schema default.
    public init() {}
    /// Decodes `column` into the row (see `OVSDBRow.decode(_:from:diff:)`).
    public mutating func decode(_ column: Column, from reader: inout JSONReader, diff: Bool) throws(JSONError) {
        switch column {
        case .local: try OVSDB.decodeColumn(&local, &reader, diff: diff)
        case .remote: try OVSDB.decodeColumn(&remote, &reader, diff: diff)
        case .bfdConfigLocal: try OVSDB.decodeColumn(&bfdConfigLocal, &reader, diff: diff)
        case .bfdConfigRemote: try OVSDB.decodeColumn(&bfdConfigRemote, &reader, diff: diff)
        case .bfdParams: try OVSDB.decodeColumn(&bfdParams, &reader, diff: diff)
        case .bfdStatus: try OVSDB.decodeColumn(&bfdStatus, &reader, diff: diff)
        }
    }
}

/// A Logical_Binding_Stats row: the traffic counters of one binding (a VLAN
/// on a Physical_Port bound to a Logical_Switch), written by vtep-kdp from
/// the flows' counters.
public struct VTEPLogicalBindingStats: OVSDBRow {
    /// The table's name in the hardware_vtep schema.
    public static let tableName = "Logical_Binding_Stats"
    /// The table's columns, each named once: the monitor asks for these,
    /// and `decode` must handle every one (the switch is exhaustive).
    public enum Column: String, CaseIterable, Sendable {
        case bytesFromLocal = "bytes_from_local"
        case packetsFromLocal = "packets_from_local"
        case bytesToLocal = "bytes_to_local"
        case packetsToLocal = "packets_to_local"
    }
    /// `bytes_from_local`: bytes received on the binding (from the port into the
    /// logical switch).
    public var bytesFromLocal = 0
    /// `packets_from_local`: frames received on the binding (from the port into
    /// the logical switch).
    public var packetsFromLocal = 0
    /// `bytes_to_local`: bytes sent out of the binding (from the logical switch
    /// to the port).
    public var bytesToLocal = 0
    /// `packets_to_local`: frames sent out of the binding (from the logical
    /// switch to the port).
    public var packetsToLocal = 0
    /// A row with every counter at 0.
    public init() {}
    /// Decodes `column` into the row (see `OVSDBRow.decode(_:from:diff:)`).
    public mutating func decode(_ column: Column, from reader: inout JSONReader, diff: Bool) throws(JSONError) {
        switch column {
        case .bytesFromLocal: try OVSDB.decodeColumn(&bytesFromLocal, &reader, diff: diff)
        case .packetsFromLocal: try OVSDB.decodeColumn(&packetsFromLocal, &reader, diff: diff)
        case .bytesToLocal: try OVSDB.decodeColumn(&bytesToLocal, &reader, diff: diff)
        case .packetsToLocal: try OVSDB.decodeColumn(&packetsToLocal, &reader, diff: diff)
        }
    }
}

/// A Logical_Switch row: one layer-2 domain, carried over VXLAN under its VNI.
public struct VTEPLogicalSwitch: OVSDBRow {
    /// The table's name in the hardware_vtep schema.
    public static let tableName = "Logical_Switch"
    /// The table's columns, each named once: the monitor asks for these,
    /// and `decode` must handle every one (the switch is exhaustive).
    public enum Column: String, CaseIterable, Sendable {
        case name, description
        case tunnelKey = "tunnel_key"
        case replicationMode = "replication_mode"
        case otherConfig = "other_config"
    }
    /// `name`: the switch's symbolic name, as `vtep-ctl add-ls` gives it.
    public var name = ""
    /// `description`: free text for humans.
    public var description = ""
    /// The VNI.
    public var tunnelKey: Int?
    /// "service_node" (the default when empty) or "source_node".
    public var replicationMode: String?
    /// `other_config`: key-value pairs for rarely used or proprietary features.
    public var otherConfig = StringMap()
    /// A row with every column at its schema default.
    public init() {}
    /// Decodes `column` into the row (see `OVSDBRow.decode(_:from:diff:)`).
    public mutating func decode(_ column: Column, from reader: inout JSONReader, diff: Bool) throws(JSONError) {
        switch column {
        case .name: try OVSDB.decodeColumn(&self.name, &reader, diff: diff)
        case .description: try OVSDB.decodeColumn(&description, &reader, diff: diff)
        case .tunnelKey: try OVSDB.decodeColumn(&tunnelKey, &reader, diff: diff)
        case .replicationMode: try OVSDB.decodeColumn(&replicationMode, &reader, diff: diff)
        case .otherConfig: try OVSDB.decodeColumn(&otherConfig, &reader, diff: diff)
        }
    }
}

/// Ucast_Macs_Local and Ucast_Macs_Remote share this shape.
public struct VTEPUcastMac<Side: VTEPTableSide>: OVSDBRow {
    /// `Ucast_Macs_Local` or `Ucast_Macs_Remote`, after `Side`.
    public static var tableName: String { "Ucast_Macs_\(Side.name)" }
    /// The table's columns, each named once: the monitor asks for these,
    /// and `decode` must handle every one (the switch is exhaustive).
    public enum Column: String, CaseIterable, Sendable {
        case mac = "MAC"
        case logicalSwitch = "logical_switch"
        case locator, ipaddr
    }
    /// `MAC`: the unicast MAC address, as text (`aa:bb:cc:dd:ee:ff`).
    public var mac = ""
    /// `logical_switch`: the Logical_Switch the MAC lives in.
    public var logicalSwitch = OVSDBUUID(0)
    /// `locator`: the Physical_Locator through which the MAC is reached: the
    /// remote VTEP's tunnel IP, or our own for a local MAC.
    public var locator = OVSDBUUID(0)
    /// `ipaddr`: the IP address that goes with the MAC, for ARP suppression;
    /// empty when unknown (vtep-kdp writes it empty).
    public var ipaddr = ""
    /// A row with every column at its schema default.
    public init() {}
    /// Decodes `column` into the row (see `OVSDBRow.decode(_:from:diff:)`).
    public mutating func decode(_ column: Column, from reader: inout JSONReader, diff: Bool) throws(JSONError) {
        switch column {
        case .mac: try OVSDB.decodeColumn(&mac, &reader, diff: diff)
        case .logicalSwitch: try OVSDB.decodeColumn(&logicalSwitch, &reader, diff: diff)
        case .locator: try OVSDB.decodeColumn(&locator, &reader, diff: diff)
        case .ipaddr: try OVSDB.decodeColumn(&ipaddr, &reader, diff: diff)
        }
    }
}

/// Mcast_Macs_Local and Mcast_Macs_Remote share this shape. `mac` is a
/// multicast MAC or the special `unknown-dst`.
public struct VTEPMcastMac<Side: VTEPTableSide>: OVSDBRow {
    /// `Mcast_Macs_Local` or `Mcast_Macs_Remote`, after `Side`.
    public static var tableName: String { "Mcast_Macs_\(Side.name)" }
    /// The table's columns, each named once: the monitor asks for these,
    /// and `decode` must handle every one (the switch is exhaustive).
    public enum Column: String, CaseIterable, Sendable {
        case mac = "MAC"
        case logicalSwitch = "logical_switch"
        case locatorSet = "locator_set"
        case ipaddr
    }
    /// `MAC`: the multicast MAC address, as text, or `unknown-dst` for where a
    /// switch's broadcast, multicast and unknown unicast go.
    public var mac = ""
    /// `logical_switch`: the Logical_Switch the row applies to.
    public var logicalSwitch = OVSDBUUID(0)
    /// `locator_set`: the Physical_Locator_Set whose locators receive the frames;
    /// for `unknown-dst` in Mcast_Macs_Remote, the service nodes or the VTEPs to
    /// replicate to.
    public var locatorSet = OVSDBUUID(0)
    /// `ipaddr`: the IP address that goes with the MAC, for ARP suppression;
    /// empty when unknown.
    public var ipaddr = ""
    /// A row with every column at its schema default.
    public init() {}
    /// Decodes `column` into the row (see `OVSDBRow.decode(_:from:diff:)`).
    public mutating func decode(_ column: Column, from reader: inout JSONReader, diff: Bool) throws(JSONError) {
        switch column {
        case .mac: try OVSDB.decodeColumn(&mac, &reader, diff: diff)
        case .logicalSwitch: try OVSDB.decodeColumn(&logicalSwitch, &reader, diff: diff)
        case .locatorSet: try OVSDB.decodeColumn(&locatorSet, &reader, diff: diff)
        case .ipaddr: try OVSDB.decodeColumn(&ipaddr, &reader, diff: diff)
        }
    }
}

/// Which of a pair of twin tables (`…_Local` or `…_Remote`) a generic row
/// type stands for.
public protocol VTEPTableSide: Sendable { static var name: String { get } }
// swift-format-ignore: AllPublicDeclarationsHaveDocumentation
/// The `…_Local` tables: what this VTEP learned or publishes itself. `name`
/// is the suffix of their table names.
public enum VTEPLocal: VTEPTableSide { public static let name = "Local" }
// swift-format-ignore: AllPublicDeclarationsHaveDocumentation
/// The `…_Remote` tables: what the NVC says lives behind other VTEPs. `name`
/// is the suffix of their table names.
public enum VTEPRemote: VTEPTableSide { public static let name = "Remote" }

/// A Physical_Locator_Set row: a set of tunnel endpoints, the destination
/// of an Mcast_Macs row.
public struct VTEPPhysicalLocatorSet: OVSDBRow {
    /// The table's name in the hardware_vtep schema.
    public static let tableName = "Physical_Locator_Set"
    /// The table's columns, each named once: the monitor asks for these,
    /// and `decode` must handle every one (the switch is exhaustive).
    public enum Column: String, CaseIterable, Sendable {
        case locators
    }
    /// `locators`: the Physical_Locator rows in the set (immutable in the schema:
    /// a new set is a new row).
    public var locators = UUIDSet()
    /// A row with every column at its schema default.
    public init() {}
    /// Decodes `column` into the row (see `OVSDBRow.decode(_:from:diff:)`).
    public mutating func decode(_ column: Column, from reader: inout JSONReader, diff: Bool) throws(JSONError) {
        switch column {
        case .locators: try OVSDB.decodeColumn(&locators, &reader, diff: diff)
        }
    }
}

/// A Physical_Locator row: one tunnel endpoint, an encapsulation and a
/// destination IP.
public struct VTEPPhysicalLocator: OVSDBRow {
    /// The table's name in the hardware_vtep schema.
    public static let tableName = "Physical_Locator"
    /// The table's columns, each named once: the monitor asks for these,
    /// and `decode` must handle every one (the switch is exhaustive).
    public enum Column: String, CaseIterable, Sendable {
        case encapsulationType = "encapsulation_type"
        case dstIP = "dst_ip"
        case tunnelKey = "tunnel_key"
    }
    /// `encapsulation_type`: how frames reach the locator; `vxlan_over_ipv4` is
    /// the only kind the schema defines and the only one vtep-kdp uses.
    public var encapsulationType = ""
    /// `dst_ip`: the endpoint's tunnel IP address, as text.
    public var dstIP = ""
    /// `tunnel_key`: a VNI for this locator alone, overriding its Logical_Switch's;
    /// vtep-kdp only uses locators without one.
    public var tunnelKey: Int?
    /// A row with every column at its schema default.
    public init() {}
    /// Decodes `column` into the row (see `OVSDBRow.decode(_:from:diff:)`).
    public mutating func decode(_ column: Column, from reader: inout JSONReader, diff: Bool) throws(JSONError) {
        switch column {
        case .encapsulationType: try OVSDB.decodeColumn(&encapsulationType, &reader, diff: diff)
        case .dstIP: try OVSDB.decodeColumn(&dstIP, &reader, diff: diff)
        case .tunnelKey: try OVSDB.decodeColumn(&tunnelKey, &reader, diff: diff)
        }
    }
}

// Tables vtep-kdp does not act on yet (as ovs-vtep does not): kept in the
// replica so that they are seen, logged and can be reported as unsupported.

/// A Logical_Router row: an L3 router over logical switches. Not supported;
/// one over a switch we carry is reported as `lr_support_fault`.
public struct VTEPLogicalRouter: OVSDBRow {
    /// The table's name in the hardware_vtep schema.
    public static let tableName = "Logical_Router"
    /// The table's columns, each named once: the monitor asks for these,
    /// and `decode` must handle every one (the switch is exhaustive).
    public enum Column: String, CaseIterable, Sendable {
        case name, description
        case switchBinding = "switch_binding"
        case staticRoutes = "static_routes"
        case aclBinding = "acl_binding"
        case otherConfig = "other_config"
        case faultStatus = "LR_fault_status"
    }
    /// `name`: the router's symbolic name.
    public var name = ""
    /// `description`: free text for humans.
    public var description = ""
    /// `switch_binding`: IP prefix → the Logical_Switch the router attaches to
    /// there.
    public var switchBinding = [String: OVSDBUUID]()
    /// `static_routes`: IP prefix → next-hop address.
    public var staticRoutes = StringMap()
    /// `acl_binding`: IP prefix → the ACL applied to that router interface.
    public var aclBinding = [String: OVSDBUUID]()
    /// `other_config`: key-value pairs for rarely used or proprietary features.
    public var otherConfig = StringMap()
    /// `LR_fault_status`: the router's faults, as the VTEP reports them; vtep-kdp
    /// writes none.
    public var faultStatus = Set<String>()
    /// A row with every column at its schema default.
    public init() {}
    /// Decodes `column` into the row (see `OVSDBRow.decode(_:from:diff:)`).
    public mutating func decode(_ column: Column, from reader: inout JSONReader, diff: Bool) throws(JSONError) {
        switch column {
        case .name: try OVSDB.decodeColumn(&self.name, &reader, diff: diff)
        case .description: try OVSDB.decodeColumn(&description, &reader, diff: diff)
        case .switchBinding: try OVSDB.decodeColumn(&switchBinding, &reader, diff: diff)
        case .staticRoutes: try OVSDB.decodeColumn(&staticRoutes, &reader, diff: diff)
        case .aclBinding: try OVSDB.decodeColumn(&aclBinding, &reader, diff: diff)
        case .otherConfig: try OVSDB.decodeColumn(&otherConfig, &reader, diff: diff)
        case .faultStatus: try OVSDB.decodeColumn(&faultStatus, &reader, diff: diff)
        }
    }
}

/// An ACL row: a named, ordered list of ACL entries. Not supported; a port
/// binding one is reported as `invalid_ACL_binding`.
public struct VTEPACL: OVSDBRow {
    /// The table's name in the hardware_vtep schema.
    public static let tableName = "ACL"
    /// The table's columns, each named once: the monitor asks for these,
    /// and `decode` must handle every one (the switch is exhaustive).
    public enum Column: String, CaseIterable, Sendable {
        case entries = "acl_entries"
        case name = "acl_name"
        case faultStatus = "acl_fault_status"
    }
    /// `acl_entries`: the ACL_entry rows of the list.
    public var entries = UUIDSet()
    /// `acl_name`: the ACL's name.
    public var name = ""
    /// `acl_fault_status`: the ACL's faults, as the VTEP reports them; vtep-kdp
    /// writes none.
    public var faultStatus = Set<String>()
    /// A row with every column at its schema default.
    public init() {}
    /// Decodes `column` into the row (see `OVSDBRow.decode(_:from:diff:)`).
    public mutating func decode(_ column: Column, from reader: inout JSONReader, diff: Bool) throws(JSONError) {
        switch column {
        case .entries: try OVSDB.decodeColumn(&entries, &reader, diff: diff)
        case .name: try OVSDB.decodeColumn(&self.name, &reader, diff: diff)
        case .faultStatus: try OVSDB.decodeColumn(&faultStatus, &reader, diff: diff)
        }
    }
}

/// An ACL entry's match and action; the optional match fields are kept as
/// the schema has them.
public struct VTEPACLEntry: OVSDBRow {
    /// The table's name in the hardware_vtep schema.
    public static let tableName = "ACL_entry"
    /// The table's columns, each named once: the monitor asks for these,
    /// and `decode` must handle every one (the switch is exhaustive).
    public enum Column: String, CaseIterable, Sendable {
        case sequence
        case sourceMac = "source_mac"
        case destMac = "dest_mac"
        case ethertype
        case sourceIp = "source_ip"
        case sourceMask = "source_mask"
        case destIp = "dest_ip"
        case destMask = "dest_mask"
        case protocolNumber = "protocol"
        case sourcePortMin = "source_port_min"
        case sourcePortMax = "source_port_max"
        case destPortMin = "dest_port_min"
        case destPortMax = "dest_port_max"
        case tcpFlags = "tcp_flags"
        case tcpFlagsMask = "tcp_flags_mask"
        case icmpCode = "icmp_code"
        case icmpType = "icmp_type"
        case direction, action
        case faultStatus = "acle_fault_status"
    }
    /// `sequence`: the entry's position in its ACL; lower numbers are matched
    /// first.
    public var sequence = 0
    /// The optional string match columns that are set (`source_mac`, `dest_mac`,
    /// `ethertype`, `source_ip`, `source_mask`, `dest_ip`, `dest_mask`), by
    /// schema column name.
    public var strings = [String: String]()
    /// The optional integer match columns that are set (`protocol`, the port
    /// ranges, `tcp_flags`, `tcp_flags_mask`, `icmp_type`, `icmp_code`), by
    /// schema column name.
    public var integers = [String: Int]()
    /// `direction`: `ingress` or `egress`.
    public var direction = ""
    /// `action`: `permit` or `deny`.
    public var action = ""
    /// `acle_fault_status`: the entry's faults, as the VTEP reports them;
    /// vtep-kdp writes none.
    public var faultStatus = Set<String>()
    /// A row with every column at its schema default.
    public init() {}
    /// Decodes `column` into the row (see `OVSDBRow.decode(_:from:diff:)`).
    public mutating func decode(_ column: Column, from reader: inout JSONReader, diff: Bool) throws(JSONError) {
        switch column {
        case .sequence: try OVSDB.decodeColumn(&sequence, &reader, diff: diff)
        case .sourceMac, .destMac, .ethertype, .sourceIp, .sourceMask, .destIp, .destMask:
            var value = strings[column.rawValue]
            try OVSDB.decodeColumn(&value, &reader, diff: diff)
            strings[column.rawValue] = value
        case .protocolNumber, .sourcePortMin, .sourcePortMax, .destPortMin, .destPortMax, .tcpFlags, .tcpFlagsMask, .icmpCode, .icmpType:
            var value = integers[column.rawValue]
            try OVSDB.decodeColumn(&value, &reader, diff: diff)
            integers[column.rawValue] = value
        case .direction: try OVSDB.decodeColumn(&direction, &reader, diff: diff)
        case .action: try OVSDB.decodeColumn(&action, &reader, diff: diff)
        case .faultStatus: try OVSDB.decodeColumn(&faultStatus, &reader, diff: diff)
        }
    }
}

/// Arp_Sources_Local and Arp_Sources_Remote.
public struct VTEPArpSource<Side: VTEPTableSide>: OVSDBRow {
    /// `Arp_Sources_Local` or `Arp_Sources_Remote`, after `Side`.
    public static var tableName: String { "Arp_Sources_\(Side.name)" }
    /// The table's columns, each named once: the monitor asks for these,
    /// and `decode` must handle every one (the switch is exhaustive).
    public enum Column: String, CaseIterable, Sendable {
        case sourceMAC = "src_mac"
        case locator
    }
    /// `src_mac`: the MAC address a VTEP uses as the source of the ARP requests
    /// its logical routers send.
    public var sourceMAC = ""
    /// `locator`: the Physical_Locator (VTEP) that uses that source MAC.
    public var locator = OVSDBUUID(0)
    /// A row with every column at its schema default.
    public init() {}
    /// Decodes `column` into the row (see `OVSDBRow.decode(_:from:diff:)`).
    public mutating func decode(_ column: Column, from reader: inout JSONReader, diff: Bool) throws(JSONError) {
        switch column {
        case .sourceMAC: try OVSDB.decodeColumn(&sourceMAC, &reader, diff: diff)
        case .locator: try OVSDB.decodeColumn(&locator, &reader, diff: diff)
        }
    }
}

extension VTEPLogicalBindingStats {
    /// Counters as (from local, to local) pairs.
    public init(packets: (fromLocal: Int, toLocal: Int), bytes: (fromLocal: Int, toLocal: Int)) {
        self.init()
        packetsFromLocal = packets.fromLocal
        packetsToLocal = packets.toLocal
        bytesFromLocal = bytes.fromLocal
        bytesToLocal = bytes.toLocal
    }
}
