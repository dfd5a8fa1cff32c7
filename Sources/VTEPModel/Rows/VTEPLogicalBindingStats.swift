import OVSDB

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
