import CNetlink
import OVSDatapathCore

/// The `vxlan_sys_<port>` netdev that carries every VXLAN tunnel of a
/// datapath, created over rtnetlink the way current OVS does: collect-metadata
/// ("external") mode so per-packet VNI and remote come from `set(tunnel)`,
/// learning off, zero UDP checksums accepted over IPv6, MTU 65000. It is then
/// attached to the datapath as an ordinary netdev vport.
public struct VXLANDevice: Sendable, Equatable {
    /// The device's name, `vxlan_sys_<port>`.
    public let name: String
    /// The UDP port the device listens on and sends to (4789 by default).
    public let destinationPort: UInt16
    /// The device's ifindex.
    public let ifindex: Int32

    /// Creates and brings up the device, or adopts an existing one that is
    /// already a collect-metadata VXLAN device on the same port; a device of
    /// that name that is anything else is an error, never reconfigured.
    public static func ensure(port: UInt16 = VXLANNaming.defaultPort) throws(NetlinkError) -> VXLANDevice {
        let name = VXLANNaming.name(forPort: port)
        let socket = try NetlinkSocket(protocol: NETLINK_ROUTE)
        var request = NetlinkRequest(
            type: UInt16(RTM_NEWLINK),
            flags: NetlinkConstants.flagCreate | NetlinkConstants.flagExclusive,
            operation: "create vxlan device", object: name)
        var info = ifinfomsg()
        info.ifi_family = UInt8(AF_UNSPEC)
        info.ifi_flags = 1  // IFF_UP
        info.ifi_change = 1
        request.body.appendFixed(info)
        request.body.put(UInt16(IFLA_IFNAME), string: name)
        request.body.put(UInt16(IFLA_MTU), u32: 65000)
        request.body.nest(UInt16(IFLA_LINKINFO)) { linkinfo in
            linkinfo.put(UInt16(IFLA_INFO_KIND), string: "vxlan")
            linkinfo.nest(UInt16(IFLA_INFO_DATA)) { data in
                data.put(UInt16(IFLA_VXLAN_LEARNING), u8: 0)
                data.put(UInt16(IFLA_VXLAN_COLLECT_METADATA), u8: 1)
                data.put(UInt16(IFLA_VXLAN_UDP_ZERO_CSUM6_RX), u8: 1)
                data.put(UInt16(IFLA_VXLAN_PORT), be16: port)
            }
        }
        do {
            try socket.transact(request)
        } catch let error where error.errno == EEXIST {
            // Fall through to the inspection below, which accepts only a
            // device that already is what we would have created.
        }
        let existing = try inspect(name: name, socket: socket)
        guard existing.kind == "vxlan", existing.collectMetadata, existing.port == port else {
            throw NetlinkError(
                operation: "create vxlan device", object: name,
                cause: .invalidArgument(
                    "a device of that name exists but is not a collect-metadata vxlan device on port \(port) (kind \(existing.kind ?? "none"), external \(existing.collectMetadata), port \(existing.port.map(String.init) ?? "none")); remove it first"
                ))
        }
        return VXLANDevice(name: name, destinationPort: port, ifindex: existing.ifindex)
    }

    /// Removes the device (after its vport has been deleted).
    public static func delete(name: String) throws(NetlinkError) {
        let socket = try NetlinkSocket(protocol: NETLINK_ROUTE)
        var request = NetlinkRequest(type: UInt16(RTM_DELLINK), operation: "delete vxlan device", object: name)
        request.body.appendFixed(ifinfomsg())
        request.body.put(UInt16(IFLA_IFNAME), string: name)
        try socket.transact(request)
    }

    struct Inspection {
        var ifindex: Int32
        var kind: String?
        var collectMetadata = false
        var port: UInt16?
    }

    static func inspect(name: String, socket: NetlinkSocket) throws(NetlinkError) -> Inspection {
        let operation = "inspect vxlan device"
        var request = NetlinkRequest(type: UInt16(RTM_GETLINK), operation: operation, object: name)
        request.body.appendFixed(ifinfomsg())
        request.body.put(UInt16(IFLA_IFNAME), string: name)
        let replies = try socket.transact(request)
        guard let reply = replies.first, reply.payload.count >= MemoryLayout<ifinfomsg>.size else {
            throw NetlinkError(
                operation: operation, object: name,
                cause: .malformedReply(NetlinkDecodingError(attributeType: nil, reason: "no link reply")))
        }
        do {
            let header = reply.payload.withUnsafeBytes { $0.loadUnaligned(as: ifinfomsg.self) }
            var result = Inspection(ifindex: header.ifi_index)
            let table = try NetlinkAttributeReader(reply.payload.dropFirst(MemoryLayout<ifinfomsg>.size)).table()
            guard let linkinfo = table[UInt16(IFLA_LINKINFO)] else { return result }
            let info = try linkinfo.nested.table()
            result.kind = try info[UInt16(IFLA_INFO_KIND)]?.string()
            if let data = info[UInt16(IFLA_INFO_DATA)], result.kind == "vxlan" {
                let vxlan = try data.nested.table()
                if let external = vxlan[UInt16(IFLA_VXLAN_COLLECT_METADATA)] { result.collectMetadata = try external.u8() != 0 }
                result.port = try vxlan[UInt16(IFLA_VXLAN_PORT)]?.be16()
            }
            return result
        } catch {
            throw NetlinkError(operation: operation, object: name, cause: .malformedReply(error))
        }
    }
}
