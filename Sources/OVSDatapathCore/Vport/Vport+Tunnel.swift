/// Finding a datapath's VXLAN port and naming its ports, the same way for
/// the daemon, the reconciler, recovery and `vtep-kdp status`.
extension Vport {
    /// A kernel `vxlan` vport, or the `vxlan_sys_<port>` netdev that stands
    /// in for one where it was attached as a plain netdev (see `VXLANDevice`).
    public var isVXLANTunnel: Bool { type == .vxlan || name.hasPrefix(VXLANNaming.namePrefix) }
}

extension Sequence where Element == Vport {
    /// The first VXLAN port; vtep-kdp adds one per datapath.
    public var vxlanTunnel: Vport? { first(where: \.isVXLANTunnel) }

    /// Port numbers by name (the first port of a name wins; the kernel allows one).
    public var portNumbersByName: [String: UInt32] {
        Dictionary(map { ($0.name, $0.portNumber) }, uniquingKeysWith: { first, _ in first })
    }

    /// Names by port number.
    public var namesByPortNumber: [UInt32: String] {
        Dictionary(map { ($0.portNumber, $0.name) }, uniquingKeysWith: { first, _ in first })
    }
}
