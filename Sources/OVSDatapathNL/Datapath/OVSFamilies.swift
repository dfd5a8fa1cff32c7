import CNetlink
import OVSDatapathCore

/// The four generic netlink families of the openvswitch module, resolved once
/// per process. Their multicast groups share the families' names.
public struct OVSFamilies: Sendable, Equatable {
    /// `ovs_datapath`: create, delete, get and set datapaths.
    public let datapath: GenericNetlinkFamily
    /// `ovs_vport`: add, delete, set and list a datapath's ports.
    public let vport: GenericNetlinkFamily
    /// `ovs_flow`: install, modify, delete, get and dump flows.
    public let flow: GenericNetlinkFamily
    /// `ovs_packet`: upcalls from the kernel, and packets executed from userspace.
    public let packet: GenericNetlinkFamily

    /// The datapath family's name, also its multicast group's.
    public static let datapathFamilyName = "ovs_datapath"
    /// The vport family's name, also its multicast group's.
    public static let vportFamilyName = "ovs_vport"
    /// The flow family's name, also its multicast group's.
    public static let flowFamilyName = "ovs_flow"
    /// The packet family's name (it has no multicast group).
    public static let packetFamilyName = "ovs_packet"

    /// Fails with `.familyUnavailable` when the openvswitch module is absent.
    public static func resolve() throws(NetlinkError) -> OVSFamilies {
        OVSFamilies(
            datapath: try .resolve(datapathFamilyName, version: UInt8(OVS_DATAPATH_VERSION), group: datapathFamilyName),
            vport: try .resolve(vportFamilyName, version: UInt8(OVS_VPORT_VERSION), group: vportFamilyName),
            flow: try .resolve(flowFamilyName, version: UInt8(OVS_FLOW_VERSION), group: flowFamilyName),
            packet: try .resolve(packetFamilyName, version: UInt8(OVS_PACKET_VERSION)))
    }

    /// Whether the running kernel offers the openvswitch datapath at all —
    /// what kernel tests check before running.
    public static var kernelHasDatapath: Bool {
        (try? GenericNetlinkFamily.resolve(datapathFamilyName, version: 2)) != nil
    }
}
