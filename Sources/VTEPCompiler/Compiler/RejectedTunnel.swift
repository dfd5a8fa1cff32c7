/// VXLAN of a VNI we carry that the underlay address does not entitle:
/// from a source the database names as no locator of that VNI (no service
/// node, no remote MAC's locator, no `unknown-dst` member), or to a
/// destination other than our tunnel IP. Such frames are dropped in the
/// kernel, one drop flow per (VNI, source, destination), and never learned.
public struct RejectedTunnel: Hashable, Sendable, CustomStringConvertible {
    /// The VNI the frames carry.
    public var vni: UInt32
    /// The outer IPv4 source, 4 bytes in network order.
    public var source: [UInt8]
    /// The outer IPv4 destination, 4 bytes in network order.
    public var destination: [UInt8]

    /// VXLAN of `vni` from `source` to `destination` (IPv4, 4 bytes each).
    public init(vni: UInt32, source: [UInt8], destination: [UInt8]) {
        self.vni = vni
        self.source = source
        self.destination = destination
    }

    /// `VNI N from A to B`, for the log.
    public var description: String { "VNI \(vni) from \(ipv4Text(source)) to \(ipv4Text(destination))" }
}
