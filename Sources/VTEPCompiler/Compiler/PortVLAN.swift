/// One VLAN of one physical port (0 = untagged): where a binding sits.
public struct PortVLAN: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The Physical_Port's name, which is also its network device's.
    public var port: String
    /// The VLAN id (0 = untagged).
    public var vlan: UInt16
    /// The binding on `vlan` of `port`.
    public init(port: String, vlan: UInt16) { self.port = port; self.vlan = vlan }
    /// Where `binding` sits.
    public init(_ binding: Binding) { self.init(port: binding.port, vlan: binding.vlan) }
    /// Orders by port name, then VLAN.
    public static func < (a: Self, b: Self) -> Bool { (a.port, a.vlan) < (b.port, b.vlan) }
    /// `p0` for an untagged binding, `p0 vlan 10` for a tagged one.
    public var description: String { vlan == 0 ? port : "\(port) vlan \(vlan)" }
}
