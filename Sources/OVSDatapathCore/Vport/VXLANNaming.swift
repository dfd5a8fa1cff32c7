/// How OVS names the netdev that carries a datapath's VXLAN tunnels: one
/// `vxlan_sys_<UDP port>` device per destination port, 4789 by default.
/// A value convention, so a port list can be read without a socket.
public enum VXLANNaming {
    /// The prefix of every such device's name.
    public static let namePrefix = "vxlan_sys_"

    /// VXLAN's IANA-assigned UDP port.
    public static let defaultPort: UInt16 = 4789

    /// The device's name for UDP port `port`.
    public static func name(forPort port: UInt16) -> String { "\(namePrefix)\(port)" }
}
