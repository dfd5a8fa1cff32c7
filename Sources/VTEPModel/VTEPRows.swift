import OVSDB

// Typed rows of the hardware_vtep schema (vtep.ovsschema 1.x), one struct
// per table, holding every column. Column types follow the schema: a
// required atom is a plain value, min 0 / max 1 an Optional, max > 1 a Set,
// a map a Dictionary.

public typealias UUIDSet = Set<OVSDBUUID>
public typealias StringMap = [String: String]

public struct VTEPGlobal: OVSDBRow {
    public static let tableName = "Global"
    public static let columnNames = ["managers", "switches", "other_config"]
    public var managers = UUIDSet()
    public var switches = UUIDSet()
    public var otherConfig = StringMap()
    public init() {}
    public mutating func decodeColumn(_ name: String, from reader: inout JSONReader, diff: Bool) throws(JSONError) {
        switch name {
        case "managers": try OVSDB.decodeColumn(&managers, &reader, diff: diff)
        case "switches": try OVSDB.decodeColumn(&switches, &reader, diff: diff)
        case "other_config": try OVSDB.decodeColumn(&otherConfig, &reader, diff: diff)
        default: try reader.skipValue()
        }
    }
}

public struct VTEPManager: OVSDBRow {
    public static let tableName = "Manager"
    public static let columnNames = ["target", "max_backoff", "inactivity_probe", "other_config", "is_connected", "status"]
    public var target = ""
    public var maxBackoff: Int?
    public var inactivityProbe: Int?
    public var otherConfig = StringMap()
    public var isConnected = false
    public var status = StringMap()
    public init() {}
    public mutating func decodeColumn(_ name: String, from reader: inout JSONReader, diff: Bool) throws(JSONError) {
        switch name {
        case "target": try OVSDB.decodeColumn(&target, &reader, diff: diff)
        case "max_backoff": try OVSDB.decodeColumn(&maxBackoff, &reader, diff: diff)
        case "inactivity_probe": try OVSDB.decodeColumn(&inactivityProbe, &reader, diff: diff)
        case "other_config": try OVSDB.decodeColumn(&otherConfig, &reader, diff: diff)
        case "is_connected": try OVSDB.decodeColumn(&isConnected, &reader, diff: diff)
        case "status": try OVSDB.decodeColumn(&status, &reader, diff: diff)
        default: try reader.skipValue()
        }
    }
}

public struct VTEPPhysicalSwitch: OVSDBRow {
    public static let tableName = "Physical_Switch"
    public static let columnNames = [
        "ports", "name", "description", "management_ips", "tunnel_ips", "tunnels",
        "other_config", "switch_fault_status",
    ]
    public var ports = UUIDSet()
    public var name = ""
    public var description = ""
    public var managementIPs = Set<String>()
    public var tunnelIPs = Set<String>()
    public var tunnels = UUIDSet()
    public var otherConfig = StringMap()
    public var switchFaultStatus = Set<String>()
    public init() {}
    public mutating func decodeColumn(_ name: String, from reader: inout JSONReader, diff: Bool) throws(JSONError) {
        switch name {
        case "ports": try OVSDB.decodeColumn(&ports, &reader, diff: diff)
        case "name": try OVSDB.decodeColumn(&self.name, &reader, diff: diff)
        case "description": try OVSDB.decodeColumn(&description, &reader, diff: diff)
        case "management_ips": try OVSDB.decodeColumn(&managementIPs, &reader, diff: diff)
        case "tunnel_ips": try OVSDB.decodeColumn(&tunnelIPs, &reader, diff: diff)
        case "tunnels": try OVSDB.decodeColumn(&tunnels, &reader, diff: diff)
        case "other_config": try OVSDB.decodeColumn(&otherConfig, &reader, diff: diff)
        case "switch_fault_status": try OVSDB.decodeColumn(&switchFaultStatus, &reader, diff: diff)
        default: try reader.skipValue()
        }
    }
}

public struct VTEPPhysicalPort: OVSDBRow {
    public static let tableName = "Physical_Port"
    public static let columnNames = [
        "name", "description", "vlan_bindings", "acl_bindings", "vlan_stats", "other_config",
        "port_fault_status",
    ]
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
    public mutating func decodeColumn(_ name: String, from reader: inout JSONReader, diff: Bool) throws(JSONError) {
        switch name {
        case "name": try OVSDB.decodeColumn(&self.name, &reader, diff: diff)
        case "description": try OVSDB.decodeColumn(&description, &reader, diff: diff)
        case "vlan_bindings": try OVSDB.decodeColumn(&vlanBindings, &reader, diff: diff)
        case "acl_bindings": try OVSDB.decodeColumn(&aclBindings, &reader, diff: diff)
        case "vlan_stats": try OVSDB.decodeColumn(&vlanStats, &reader, diff: diff)
        case "other_config": try OVSDB.decodeColumn(&otherConfig, &reader, diff: diff)
        case "port_fault_status": try OVSDB.decodeColumn(&portFaultStatus, &reader, diff: diff)
        default: try reader.skipValue()
        }
    }
}

public struct VTEPTunnel: OVSDBRow {
    public static let tableName = "Tunnel"
    public static let columnNames = ["local", "remote", "bfd_config_local", "bfd_config_remote", "bfd_params", "bfd_status"]
    public var local = OVSDBUUID(0)
    public var remote = OVSDBUUID(0)
    public var bfdConfigLocal = StringMap()
    public var bfdConfigRemote = StringMap()
    public var bfdParams = StringMap()
    public var bfdStatus = StringMap()
    public init() {}
    public mutating func decodeColumn(_ name: String, from reader: inout JSONReader, diff: Bool) throws(JSONError) {
        switch name {
        case "local": try OVSDB.decodeColumn(&local, &reader, diff: diff)
        case "remote": try OVSDB.decodeColumn(&remote, &reader, diff: diff)
        case "bfd_config_local": try OVSDB.decodeColumn(&bfdConfigLocal, &reader, diff: diff)
        case "bfd_config_remote": try OVSDB.decodeColumn(&bfdConfigRemote, &reader, diff: diff)
        case "bfd_params": try OVSDB.decodeColumn(&bfdParams, &reader, diff: diff)
        case "bfd_status": try OVSDB.decodeColumn(&bfdStatus, &reader, diff: diff)
        default: try reader.skipValue()
        }
    }
}

public struct VTEPLogicalBindingStats: OVSDBRow {
    public static let tableName = "Logical_Binding_Stats"
    public static let columnNames = ["bytes_from_local", "packets_from_local", "bytes_to_local", "packets_to_local"]
    public var bytesFromLocal = 0
    public var packetsFromLocal = 0
    public var bytesToLocal = 0
    public var packetsToLocal = 0
    public init() {}
    public mutating func decodeColumn(_ name: String, from reader: inout JSONReader, diff: Bool) throws(JSONError) {
        switch name {
        case "bytes_from_local": try OVSDB.decodeColumn(&bytesFromLocal, &reader, diff: diff)
        case "packets_from_local": try OVSDB.decodeColumn(&packetsFromLocal, &reader, diff: diff)
        case "bytes_to_local": try OVSDB.decodeColumn(&bytesToLocal, &reader, diff: diff)
        case "packets_to_local": try OVSDB.decodeColumn(&packetsToLocal, &reader, diff: diff)
        default: try reader.skipValue()
        }
    }
}

public struct VTEPLogicalSwitch: OVSDBRow {
    public static let tableName = "Logical_Switch"
    public static let columnNames = ["name", "description", "tunnel_key", "replication_mode", "other_config"]
    public var name = ""
    public var description = ""
    /// The VNI.
    public var tunnelKey: Int?
    /// "service_node" (the default when empty) or "source_node".
    public var replicationMode: String?
    public var otherConfig = StringMap()
    public init() {}
    public mutating func decodeColumn(_ name: String, from reader: inout JSONReader, diff: Bool) throws(JSONError) {
        switch name {
        case "name": try OVSDB.decodeColumn(&self.name, &reader, diff: diff)
        case "description": try OVSDB.decodeColumn(&description, &reader, diff: diff)
        case "tunnel_key": try OVSDB.decodeColumn(&tunnelKey, &reader, diff: diff)
        case "replication_mode": try OVSDB.decodeColumn(&replicationMode, &reader, diff: diff)
        case "other_config": try OVSDB.decodeColumn(&otherConfig, &reader, diff: diff)
        default: try reader.skipValue()
        }
    }
}

/// Ucast_Macs_Local and Ucast_Macs_Remote share this shape.
public struct VTEPUcastMac<Side: VTEPTableSide>: OVSDBRow {
    public static var tableName: String { "Ucast_Macs_\(Side.name)" }
    public static var columnNames: [String] { ["MAC", "logical_switch", "locator", "ipaddr"] }
    public var mac = ""
    public var logicalSwitch = OVSDBUUID(0)
    public var locator = OVSDBUUID(0)
    public var ipaddr = ""
    public init() {}
    public mutating func decodeColumn(_ name: String, from reader: inout JSONReader, diff: Bool) throws(JSONError) {
        switch name {
        case "MAC": try OVSDB.decodeColumn(&mac, &reader, diff: diff)
        case "logical_switch": try OVSDB.decodeColumn(&logicalSwitch, &reader, diff: diff)
        case "locator": try OVSDB.decodeColumn(&locator, &reader, diff: diff)
        case "ipaddr": try OVSDB.decodeColumn(&ipaddr, &reader, diff: diff)
        default: try reader.skipValue()
        }
    }
}

/// Mcast_Macs_Local and Mcast_Macs_Remote share this shape. `mac` is a
/// multicast MAC or the special `unknown-dst`.
public struct VTEPMcastMac<Side: VTEPTableSide>: OVSDBRow {
    public static var tableName: String { "Mcast_Macs_\(Side.name)" }
    public static var columnNames: [String] { ["MAC", "logical_switch", "locator_set", "ipaddr"] }
    public var mac = ""
    public var logicalSwitch = OVSDBUUID(0)
    public var locatorSet = OVSDBUUID(0)
    public var ipaddr = ""
    public init() {}
    public mutating func decodeColumn(_ name: String, from reader: inout JSONReader, diff: Bool) throws(JSONError) {
        switch name {
        case "MAC": try OVSDB.decodeColumn(&mac, &reader, diff: diff)
        case "logical_switch": try OVSDB.decodeColumn(&logicalSwitch, &reader, diff: diff)
        case "locator_set": try OVSDB.decodeColumn(&locatorSet, &reader, diff: diff)
        case "ipaddr": try OVSDB.decodeColumn(&ipaddr, &reader, diff: diff)
        default: try reader.skipValue()
        }
    }
}

public protocol VTEPTableSide: Sendable { static var name: String { get } }
public enum VTEPLocal: VTEPTableSide { public static let name = "Local" }
public enum VTEPRemote: VTEPTableSide { public static let name = "Remote" }

public struct VTEPPhysicalLocatorSet: OVSDBRow {
    public static let tableName = "Physical_Locator_Set"
    public static let columnNames = ["locators"]
    public var locators = UUIDSet()
    public init() {}
    public mutating func decodeColumn(_ name: String, from reader: inout JSONReader, diff: Bool) throws(JSONError) {
        switch name {
        case "locators": try OVSDB.decodeColumn(&locators, &reader, diff: diff)
        default: try reader.skipValue()
        }
    }
}

public struct VTEPPhysicalLocator: OVSDBRow {
    public static let tableName = "Physical_Locator"
    public static let columnNames = ["encapsulation_type", "dst_ip", "tunnel_key"]
    public var encapsulationType = ""
    public var dstIP = ""
    public var tunnelKey: Int?
    public init() {}
    public mutating func decodeColumn(_ name: String, from reader: inout JSONReader, diff: Bool) throws(JSONError) {
        switch name {
        case "encapsulation_type": try OVSDB.decodeColumn(&encapsulationType, &reader, diff: diff)
        case "dst_ip": try OVSDB.decodeColumn(&dstIP, &reader, diff: diff)
        case "tunnel_key": try OVSDB.decodeColumn(&tunnelKey, &reader, diff: diff)
        default: try reader.skipValue()
        }
    }
}

// Tables vtep-kdp does not act on yet (as ovs-vtep does not): kept in the
// replica so that they are seen, logged and can be reported as unsupported.

public struct VTEPLogicalRouter: OVSDBRow {
    public static let tableName = "Logical_Router"
    public static let columnNames = [
        "name", "description", "switch_binding", "static_routes", "acl_binding", "other_config",
        "LR_fault_status",
    ]
    public var name = ""
    public var description = ""
    public var switchBinding = [String: OVSDBUUID]()
    public var staticRoutes = StringMap()
    public var aclBinding = [String: OVSDBUUID]()
    public var otherConfig = StringMap()
    public var faultStatus = Set<String>()
    public init() {}
    public mutating func decodeColumn(_ name: String, from reader: inout JSONReader, diff: Bool) throws(JSONError) {
        switch name {
        case "name": try OVSDB.decodeColumn(&self.name, &reader, diff: diff)
        case "description": try OVSDB.decodeColumn(&description, &reader, diff: diff)
        case "switch_binding": try OVSDB.decodeColumn(&switchBinding, &reader, diff: diff)
        case "static_routes": try OVSDB.decodeColumn(&staticRoutes, &reader, diff: diff)
        case "acl_binding": try OVSDB.decodeColumn(&aclBinding, &reader, diff: diff)
        case "other_config": try OVSDB.decodeColumn(&otherConfig, &reader, diff: diff)
        case "LR_fault_status": try OVSDB.decodeColumn(&faultStatus, &reader, diff: diff)
        default: try reader.skipValue()
        }
    }
}

public struct VTEPACL: OVSDBRow {
    public static let tableName = "ACL"
    public static let columnNames = ["acl_entries", "acl_name", "acl_fault_status"]
    public var entries = UUIDSet()
    public var name = ""
    public var faultStatus = Set<String>()
    public init() {}
    public mutating func decodeColumn(_ name: String, from reader: inout JSONReader, diff: Bool) throws(JSONError) {
        switch name {
        case "acl_entries": try OVSDB.decodeColumn(&entries, &reader, diff: diff)
        case "acl_name": try OVSDB.decodeColumn(&self.name, &reader, diff: diff)
        case "acl_fault_status": try OVSDB.decodeColumn(&faultStatus, &reader, diff: diff)
        default: try reader.skipValue()
        }
    }
}

/// An ACL entry's match and action; the optional match fields are kept as
/// the schema has them.
public struct VTEPACLEntry: OVSDBRow {
    public static let tableName = "ACL_entry"
    public static let columnNames = [
        "sequence", "source_mac", "dest_mac", "ethertype", "source_ip", "source_mask", "dest_ip",
        "dest_mask", "protocol", "source_port_min", "source_port_max", "dest_port_min",
        "dest_port_max", "tcp_flags", "tcp_flags_mask", "icmp_code", "icmp_type", "direction",
        "action", "acle_fault_status",
    ]
    public var sequence = 0
    public var strings = [String: String]()
    public var integers = [String: Int]()
    public var direction = ""
    public var action = ""
    public var faultStatus = Set<String>()
    public init() {}
    public mutating func decodeColumn(_ name: String, from reader: inout JSONReader, diff: Bool) throws(JSONError) {
        switch name {
        case "sequence": try OVSDB.decodeColumn(&sequence, &reader, diff: diff)
        case "source_mac", "dest_mac", "ethertype", "source_ip", "source_mask", "dest_ip", "dest_mask":
            var value = strings[name]
            try OVSDB.decodeColumn(&value, &reader, diff: diff)
            strings[name] = value
        case "protocol", "source_port_min", "source_port_max", "dest_port_min", "dest_port_max", "tcp_flags",
            "tcp_flags_mask", "icmp_code", "icmp_type":
            var value = integers[name]
            try OVSDB.decodeColumn(&value, &reader, diff: diff)
            integers[name] = value
        case "direction": try OVSDB.decodeColumn(&direction, &reader, diff: diff)
        case "action": try OVSDB.decodeColumn(&action, &reader, diff: diff)
        case "acle_fault_status": try OVSDB.decodeColumn(&faultStatus, &reader, diff: diff)
        default: try reader.skipValue()
        }
    }
}

/// Arp_Sources_Local and Arp_Sources_Remote.
public struct VTEPArpSource<Side: VTEPTableSide>: OVSDBRow {
    public static var tableName: String { "Arp_Sources_\(Side.name)" }
    public static var columnNames: [String] { ["src_mac", "locator"] }
    public var sourceMAC = ""
    public var locator = OVSDBUUID(0)
    public init() {}
    public mutating func decodeColumn(_ name: String, from reader: inout JSONReader, diff: Bool) throws(JSONError) {
        switch name {
        case "src_mac": try OVSDB.decodeColumn(&sourceMAC, &reader, diff: diff)
        case "locator": try OVSDB.decodeColumn(&locator, &reader, diff: diff)
        default: try reader.skipValue()
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
