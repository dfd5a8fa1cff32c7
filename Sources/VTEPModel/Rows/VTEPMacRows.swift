import OVSDB

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
public protocol VTEPTableSide: Sendable {
    /// The suffix of the tables' names: "Local" or "Remote".
    static var name: String { get }
}

/// The `…_Local` tables: what this VTEP learned or publishes itself.
public enum VTEPLocal: VTEPTableSide {
    /// The suffix of their table names.
    public static let name = "Local"
}

/// The `…_Remote` tables: what the NVC says lives behind other VTEPs.
public enum VTEPRemote: VTEPTableSide {
    /// The suffix of their table names.
    public static let name = "Remote"
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
