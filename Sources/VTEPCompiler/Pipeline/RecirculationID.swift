/// The recirculation ids that join the pipeline's stages. A packet enters
/// at id 0; two kinds of id carry it on, both per logical switch:
///
/// - the switch's id: from stage 1 (local ingress, matched on source MAC)
///   to stage 2 (forwarding inside the switch);
/// - the switch's *tunnel* id: from tunnel admission (VXLAN accepted from a
///   locator the database names for the VNI) to tunnel delivery (to the
///   local bindings, matched on destination MAC).
///
/// The kernel has no flow priorities, so flows of different switches and
/// stages must never overlap: each gets its own id, derived from the VNI
/// so that a restarted vtep-kdp computes the same ids and finds its old
/// flows intact. Id 0 means "not recirculated" and is never produced.
public struct RecirculationID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The id as the kernel's `recirc_id` holds it.
    public let rawValue: UInt32
    /// The id `rawValue`, whatever it stands for.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Bit 24 marks ids of logical switches; VNIs are 24-bit, so the two
    /// never collide and the id is never 0.
    public static let logicalSwitchTag: UInt32 = 0x0100_0000
    /// Bit 25 marks the ids of frames admitted from a tunnel.
    public static let tunnelTag: UInt32 = 0x0200_0000
    /// The largest VNI: VXLAN's VNI is 24 bits wide.
    public static let maxVNI: UInt32 = 0x00FF_FFFF

    /// The id of the logical switch with this VNI, or nil for a VNI outside
    /// VXLAN's 24 bits (a fault to report, not a flow to install).
    public static func logicalSwitch(vni: UInt32) -> RecirculationID? {
        guard vni <= maxVNI else { return nil }
        return RecirculationID(rawValue: logicalSwitchTag | vni)
    }

    /// The id of frames admitted from a tunnel into the switch with this
    /// VNI, or nil for a VNI outside VXLAN's 24 bits.
    public static func tunnel(vni: UInt32) -> RecirculationID? {
        guard vni <= maxVNI else { return nil }
        return RecirculationID(rawValue: tunnelTag | vni)
    }

    /// The VNI this id stands for, when it is a logical switch's id.
    public var vni: UInt32? {
        rawValue & ~Self.maxVNI == Self.logicalSwitchTag ? rawValue & Self.maxVNI : nil
    }

    /// The VNI this id stands for, when it is a switch's tunnel id.
    public var tunnelVNI: UInt32? {
        rawValue & ~Self.maxVNI == Self.tunnelTag ? rawValue & Self.maxVNI : nil
    }

    /// As `ovs-dpctl dump-flows` prints it.
    public var description: String { "0x" + String(rawValue, radix: 16) }
}
