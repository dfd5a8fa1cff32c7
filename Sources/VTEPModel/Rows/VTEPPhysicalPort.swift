import OVSDB

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
