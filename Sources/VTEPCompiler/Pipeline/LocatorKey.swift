/// The one rule for a Physical_Locator's own `tunnel_key` (per-locator
/// keys): vtep-kdp sends and admits a logical switch's traffic on the
/// switch's VNI only, so a locator carries that traffic when it names no
/// key or the switch's; one naming another key is refused aloud (a fault
/// and a log line), never sent to on the wrong VNI.
enum LocatorKey {
    /// Whether a locator with `tunnelKey` may carry the traffic of the switch whose VNI is `vni`.
    static func carries(_ tunnelKey: Int?, vni: Int?) -> Bool { tunnelKey == nil || tunnelKey == vni }
}
