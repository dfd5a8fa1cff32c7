import OVSDB

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
