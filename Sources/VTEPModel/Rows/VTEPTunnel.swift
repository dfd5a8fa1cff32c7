import OVSDB

/// A Tunnel row: the tunnel from one of our locators to a remote one, with
/// its BFD configuration and state (`TunnelHealthMonitor` runs the sessions).
public struct VTEPTunnel: OVSDBRow {
    /// The table's name in the hardware_vtep schema.
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
    /// `local`: the Physical_Locator of this end (our tunnel IP).
    public var local = OVSDBUUID(0)
    /// `remote`: the Physical_Locator of the remote VTEP.
    public var remote = OVSDBUUID(0)
    /// `bfd_config_local`: BFD settings of this end (`bfd_dst_mac`, `bfd_dst_ip`).
    public var bfdConfigLocal = StringMap()
    /// `bfd_config_remote`: BFD settings of the remote end (`bfd_dst_mac`,
    /// `bfd_dst_ip`), written by the NVC.
    public var bfdConfigRemote = StringMap()
    /// `bfd_params`: BFD session parameters (`enable`, `min_rx`, `min_tx`,
    /// `decay_min_rx`, `forwarding_if_rx`, `cpath_down`, `check_tnl_key`).
    public var bfdParams = StringMap()
    /// `bfd_status`: the BFD session's state as the VTEP reports it (`enabled`,
    /// `state`, `forwarding`, `diagnostic`…).
    public var bfdStatus = StringMap()
    /// A row with every column at its schema default.
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
