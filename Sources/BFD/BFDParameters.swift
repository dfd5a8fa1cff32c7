/// A session's settings read from OVSDB string maps the way OVS reads a
/// tunnel's `bfd` column (the hardware_vtep `Tunnel` table's `bfd_params`
/// holds the same keys): `enable`, `min_rx`, `min_tx` (milliseconds),
/// `decay_min_rx`, `forwarding_if_rx`, `cpath_down`, `check_tnl_key`.
/// Absent keys take OVS's defaults; a value that does not parse is kept
/// at its default and named in `problems`, for the fault column and the log.
public struct BFDParameters: Equatable, Sendable {
    /// Whether a session runs at all (default false).
    public var enabled = false
    /// The session's intervals and detect multiplier.
    public var configuration = BFDSession.Configuration()
    /// Milliseconds of no change in state after which min_rx decays (0: never).
    public var decayMinRxMilliseconds: UInt32 = 0
    /// Count the path as forwarding while data arrives on it, even with BFD down.
    public var forwardingIfRx = false
    /// Tell the remote our concatenated path is down.
    public var concatenatedPathDown = false
    /// Accept BFD only with tunnel key 0.
    public var checkTunnelKey = false
    /// Keys whose values were not understood, as "min_rx=abc: not a number of milliseconds".
    public var problems: [String] = []

    /// OVS's floor for min_rx and min_tx, in milliseconds.
    public static let minimumMilliseconds: UInt32 = 1

    /// Reads `params`; keys not listed above are ignored (the schema
    /// allows any).
    public init(_ params: [String: String]) {
        func flag(_ key: String) -> Bool {
            guard let text = params[key] else { return false }
            switch text {
            case "true": return true
            case "false": return false
            default:
                problems.append("\(key)=\(text): not true or false")
                return false
            }
        }
        func milliseconds(_ key: String, default fallback: UInt32) -> UInt32 {
            guard let text = params[key] else { return fallback }
            guard let value = UInt32(text), value <= UInt32.max / 1000 else {
                problems.append("\(key)=\(text): not a number of milliseconds")
                return fallback
            }
            return max(value, Self.minimumMilliseconds)
        }
        enabled = flag("enable")
        configuration.minRxMicroseconds = milliseconds("min_rx", default: 1000) * 1000
        configuration.minTxMicroseconds = milliseconds("min_tx", default: 100) * 1000
        decayMinRxMilliseconds = params["decay_min_rx"] == nil ? 0 : milliseconds("decay_min_rx", default: 0)
        forwardingIfRx = flag("forwarding_if_rx")
        concatenatedPathDown = flag("cpath_down")
        checkTunnelKey = flag("check_tnl_key")
    }
}
