import OVSDB

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
