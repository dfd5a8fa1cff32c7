import OVSDB

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
