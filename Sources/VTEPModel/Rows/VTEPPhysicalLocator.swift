import OVSDB

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
