import CNetlink
import OVSDatapathCore

/// A generic netlink family as the kernel numbered it at load time, with the
/// multicast group of the same name when the family has one.
public struct GenericNetlinkFamily: Sendable, Equatable {
    /// The family's name (`ovs_flow`, say).
    public let name: String
    /// The id the kernel gave the family at load time: the `nlmsg_type` of its
    /// messages.
    public let id: UInt16
    /// The family's interface version, sent in every request's `genlmsghdr`.
    public let version: UInt8
    /// The id of the multicast group that shares the family's name, when asked
    /// for and the family has one.
    public let multicastGroup: UInt32?

    /// A family from already resolved numbers; `resolve` asks the kernel.
    public init(name: String, id: UInt16, version: UInt8, multicastGroup: UInt32?) {
        self.name = name
        self.id = id
        self.version = version
        self.multicastGroup = multicastGroup
    }

    /// Asks the kernel's genl controller (through libnl-genl) for `name` and
    /// its group `group`. A family the kernel lacks is
    /// `.familyUnavailable`, not a crash.
    public static func resolve(_ name: String, version: UInt8, group: String? = nil) throws(NetlinkError) -> GenericNetlinkFamily {
        var familyID: Int32 = 0
        var groupID: Int32 = -1
        let rc: Int32
        if let group {
            rc = cnetlink_resolve_family(name, group, &familyID, &groupID)
        } else {
            rc = cnetlink_resolve_family(name, nil, &familyID, &groupID)
        }
        if rc == -NLE_OBJ_NOTFOUND {
            throw NetlinkError(operation: "resolve generic netlink family", object: name, cause: .familyUnavailable(family: name))
        }
        if rc < 0 {
            let text = String(cString: nl_geterror(rc))
            throw NetlinkError(
                operation: "resolve generic netlink family", object: name,
                cause: .kernel(errno: EIO, message: "libnl: \(text)"))
        }
        return GenericNetlinkFamily(
            name: name, id: UInt16(familyID), version: version,
            multicastGroup: groupID >= 0 ? UInt32(groupID) : nil)
    }
}
