/// The recirculation id that carries a packet from stage 1 (local ingress,
/// matched on source MAC) to stage 2 (forwarding inside one logical switch).
///
/// The kernel has no flow priorities, so stage-2 flows of different logical
/// switches must never overlap: each switch gets its own id, derived from its
/// VNI so that a restarted vtep-kdp computes the same ids and finds its old
/// flows intact. Id 0 means "not recirculated" and is never produced.
public struct RecirculationID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The id as the kernel's `recirc_id` holds it.
    public let rawValue: UInt32
    /// The id `rawValue`, whatever it stands for.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Bit 24 marks ids of logical switches; VNIs are 24-bit, so the two
    /// never collide and the id is never 0.
    public static let logicalSwitchTag: UInt32 = 0x0100_0000
    /// The largest VNI: VXLAN's VNI is 24 bits wide.
    public static let maxVNI: UInt32 = 0x00FF_FFFF

    /// The id of the logical switch with this VNI, or nil for a VNI outside
    /// VXLAN's 24 bits (a fault to report, not a flow to install).
    public static func logicalSwitch(vni: UInt32) -> RecirculationID? {
        guard vni <= maxVNI else { return nil }
        return RecirculationID(rawValue: logicalSwitchTag | vni)
    }

    /// The VNI this id stands for, when it is a logical switch's id.
    public var vni: UInt32? {
        rawValue & ~Self.maxVNI == Self.logicalSwitchTag ? rawValue & Self.maxVNI : nil
    }

    /// As `ovs-dpctl dump-flows` prints it.
    public var description: String { "0x" + String(rawValue, radix: 16) }
}
