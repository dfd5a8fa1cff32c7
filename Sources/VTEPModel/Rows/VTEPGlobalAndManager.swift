import OVSDB

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
