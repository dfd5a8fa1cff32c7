import OVSDB

// Typed rows of the hardware_vtep schema (vtep.ovsschema 1.x), one struct
// per table, holding every column. Column types follow the schema: a
// required atom is a plain value, min 0 / max 1 an Optional, max > 1 a Set,
// a map a Dictionary.

public typealias UUIDSet = Set<OVSDBUUID>
public typealias StringMap = [String: String]

public struct VTEPGlobal: OVSDBRow {
    public static let tableName = "Global"
    /// The table's columns, each named once: the monitor asks for these,
    /// and `decode` must handle every one (the switch is exhaustive).
    public enum Column: String, CaseIterable, Sendable {
        case managers, switches
        case otherConfig = "other_config"
    }
    public var managers = UUIDSet()
    public var switches = UUIDSet()
    public var otherConfig = StringMap()
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

public struct VTEPManager: OVSDBRow {
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
    public var target = ""
    public var maxBackoff: Int?
    public var inactivityProbe: Int?
    public var otherConfig = StringMap()
    public var isConnected = false
    public var status = StringMap()
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

public struct VTEPPhysicalSwitch: OVSDBRow {
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
    public var ports = UUIDSet()
    public var name = ""
    public var description = ""
    public var managementIPs = Set<String>()
    public var tunnelIPs = Set<String>()
    public var tunnels = UUIDSet()
    public var otherConfig = StringMap()
    public var switchFaultStatus = Set<String>()
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

public struct VTEPPhysicalPort: OVSDBRow {
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
    public var name = ""
    public var description = ""
    /// VLAN (0 = untagged) → Logical_Switch.
    public var vlanBindings = [Int: OVSDBUUID]()
    public var aclBindings = [Int: OVSDBUUID]()
    /// VLAN → Logical_Binding_Stats.
    public var vlanStats = [Int: OVSDBUUID]()
    public var otherConfig = StringMap()
    public var portFaultStatus = Set<String>()
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

public struct VTEPTunnel: OVSDBRow {
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
    public var local = OVSDBUUID(0)
    public var remote = OVSDBUUID(0)
    public var bfdConfigLocal = StringMap()
    public var bfdConfigRemote = StringMap()
    public var bfdParams = StringMap()
    public var bfdStatus = StringMap()
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

public struct VTEPLogicalBindingStats: OVSDBRow {
    public static let tableName = "Logical_Binding_Stats"
    /// The table's columns, each named once: the monitor asks for these,
    /// and `decode` must handle every one (the switch is exhaustive).
    public enum Column: String, CaseIterable, Sendable {
        case bytesFromLocal = "bytes_from_local"
        case packetsFromLocal = "packets_from_local"
        case bytesToLocal = "bytes_to_local"
        case packetsToLocal = "packets_to_local"
    }
    public var bytesFromLocal = 0
    public var packetsFromLocal = 0
    public var bytesToLocal = 0
    public var packetsToLocal = 0
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

public struct VTEPLogicalSwitch: OVSDBRow {
    public static let tableName = "Logical_Switch"
    /// The table's columns, each named once: the monitor asks for these,
    /// and `decode` must handle every one (the switch is exhaustive).
    public enum Column: String, CaseIterable, Sendable {
        case name, description
        case tunnelKey = "tunnel_key"
        case replicationMode = "replication_mode"
        case otherConfig = "other_config"
    }
    public var name = ""
    public var description = ""
    /// The VNI.
    public var tunnelKey: Int?
    /// "service_node" (the default when empty) or "source_node".
    public var replicationMode: String?
    public var otherConfig = StringMap()
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
    public static var tableName: String { "Ucast_Macs_\(Side.name)" }
    /// The table's columns, each named once: the monitor asks for these,
    /// and `decode` must handle every one (the switch is exhaustive).
    public enum Column: String, CaseIterable, Sendable {
        case mac = "MAC"
        case logicalSwitch = "logical_switch"
        case locator, ipaddr
    }
    public var mac = ""
    public var logicalSwitch = OVSDBUUID(0)
    public var locator = OVSDBUUID(0)
    public var ipaddr = ""
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
    public static var tableName: String { "Mcast_Macs_\(Side.name)" }
    /// The table's columns, each named once: the monitor asks for these,
    /// and `decode` must handle every one (the switch is exhaustive).
    public enum Column: String, CaseIterable, Sendable {
        case mac = "MAC"
        case logicalSwitch = "logical_switch"
        case locatorSet = "locator_set"
        case ipaddr
    }
    public var mac = ""
    public var logicalSwitch = OVSDBUUID(0)
    public var locatorSet = OVSDBUUID(0)
    public var ipaddr = ""
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

public protocol VTEPTableSide: Sendable { static var name: String { get } }
public enum VTEPLocal: VTEPTableSide { public static let name = "Local" }
public enum VTEPRemote: VTEPTableSide { public static let name = "Remote" }

public struct VTEPPhysicalLocatorSet: OVSDBRow {
    public static let tableName = "Physical_Locator_Set"
    /// The table's columns, each named once: the monitor asks for these,
    /// and `decode` must handle every one (the switch is exhaustive).
    public enum Column: String, CaseIterable, Sendable {
        case locators
    }
    public var locators = UUIDSet()
    public init() {}
    /// Decodes `column` into the row (see `OVSDBRow.decode(_:from:diff:)`).
    public mutating func decode(_ column: Column, from reader: inout JSONReader, diff: Bool) throws(JSONError) {
        switch column {
        case .locators: try OVSDB.decodeColumn(&locators, &reader, diff: diff)
        }
    }
}

public struct VTEPPhysicalLocator: OVSDBRow {
    public static let tableName = "Physical_Locator"
    /// The table's columns, each named once: the monitor asks for these,
    /// and `decode` must handle every one (the switch is exhaustive).
    public enum Column: String, CaseIterable, Sendable {
        case encapsulationType = "encapsulation_type"
        case dstIP = "dst_ip"
        case tunnelKey = "tunnel_key"
    }
    public var encapsulationType = ""
    public var dstIP = ""
    public var tunnelKey: Int?
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

public struct VTEPLogicalRouter: OVSDBRow {
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
    public var name = ""
    public var description = ""
    public var switchBinding = [String: OVSDBUUID]()
    public var staticRoutes = StringMap()
    public var aclBinding = [String: OVSDBUUID]()
    public var otherConfig = StringMap()
    public var faultStatus = Set<String>()
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

public struct VTEPACL: OVSDBRow {
    public static let tableName = "ACL"
    /// The table's columns, each named once: the monitor asks for these,
    /// and `decode` must handle every one (the switch is exhaustive).
    public enum Column: String, CaseIterable, Sendable {
        case entries = "acl_entries"
        case name = "acl_name"
        case faultStatus = "acl_fault_status"
    }
    public var entries = UUIDSet()
    public var name = ""
    public var faultStatus = Set<String>()
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
    public var sequence = 0
    public var strings = [String: String]()
    public var integers = [String: Int]()
    public var direction = ""
    public var action = ""
    public var faultStatus = Set<String>()
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
    public static var tableName: String { "Arp_Sources_\(Side.name)" }
    /// The table's columns, each named once: the monitor asks for these,
    /// and `decode` must handle every one (the switch is exhaustive).
    public enum Column: String, CaseIterable, Sendable {
        case sourceMAC = "src_mac"
        case locator
    }
    public var sourceMAC = ""
    public var locator = OVSDBUUID(0)
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
