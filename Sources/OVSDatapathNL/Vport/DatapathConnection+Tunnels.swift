import CNetlink
import OVSDatapathCore

/// The one VXLAN port of a datapath, made either of the two ways the kernel
/// offers.
public enum VXLANPortMethod: String, Sendable, CaseIterable {
    /// A `vxlan_sys_<port>` netdev created over rtnetlink, attached as a
    /// netdev vport (what OVS does today).
    case rtnetlinkDevice = "rtnetlink"
    /// The genl `OVS_VPORT_TYPE_VXLAN` vport (older; slated for removal).
    case legacyVport = "legacy"
}

extension DatapathConnection {
    /// Adds the datapath's VXLAN port. With `preferred` `.rtnetlinkDevice`
    /// (the default), a kernel that cannot make the device falls back to the
    /// legacy vport type; asking for `.legacyVport` uses only that.
    @discardableResult
    public func addVXLANPort(
        to datapath: Datapath, destinationPort: UInt16 = VXLANNaming.defaultPort,
        preferred: VXLANPortMethod = .rtnetlinkDevice,
        portNumber: UInt32? = nil
    ) throws(NetlinkError) -> (vport: Vport, method: VXLANPortMethod) {
        let name = VXLANNaming.name(forPort: destinationPort)
        if preferred == .rtnetlinkDevice {
            do {
                _ = try VXLANDevice.ensure(port: destinationPort)
                let vport = try addVport(to: datapath, name: name, spec: .netdev, portNumber: portNumber)
                return (vport, .rtnetlinkDevice)
            } catch let error where error.errno == EOPNOTSUPP || error.errno == EAFNOSUPPORT {
                // The vxlan rtnetlink kind is missing: use the genl vport type.
            }
        }
        let vport = try addVport(
            to: datapath, name: name, spec: .legacyVXLAN(destinationPort: destinationPort),
            portNumber: portNumber)
        return (vport, .legacyVport)
    }

    /// Removes the VXLAN port and, for the rtnetlink way, its device.
    public func deleteVXLANPort(_ vport: Vport) throws(NetlinkError) {
        try deleteVport(vport)
        if vport.type == .netdev {
            try VXLANDevice.delete(name: vport.name)
        }
    }
}
