import OVSDB
import OVSDatapathCore
import VTEPModel

/// One VLAN of one physical port mapped to a logical switch, resolved.
public struct Binding: Hashable, Sendable, CustomStringConvertible {
    /// The Physical_Port's name.
    public var port: String
    /// The datapath port number of the port's vport.
    public var portNumber: UInt32
    /// 0 = untagged.
    public var vlan: UInt16
    /// The Logical_Switch row the VLAN is bound to.
    public var logicalSwitch: OVSDBUUID
    /// That switch's name, for the log.
    public var logicalSwitchName: String
    /// That switch's VNI (its `tunnel_key`), at most 24 bits.
    public var vni: UInt32

    /// `p0 vlan 0 → ls0 (VNI 33)`, for the log.
    public var description: String { "\(port) vlan \(vlan) → \(logicalSwitchName) (VNI \(vni))" }
}
