import CNetlink
import OVSDatapathCore

/// The four generic netlink families of the openvswitch module, resolved once
/// per process. Their multicast groups share the families' names.
public struct OVSFamilies: Sendable {
    public let datapath: GenericNetlinkFamily
    public let vport: GenericNetlinkFamily
    public let flow: GenericNetlinkFamily
    public let packet: GenericNetlinkFamily

    public static let datapathFamilyName = "ovs_datapath"
    public static let vportFamilyName = "ovs_vport"
    public static let flowFamilyName = "ovs_flow"
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
