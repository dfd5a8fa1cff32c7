import CNetlink

/// Sizes and alignment of netlink's fixed headers, taken from the C headers
/// once (the macros themselves do not import into Swift).
public enum NetlinkLayout {
    public static let alignment = 4
    public static let messageHeaderLength = Int(cnetlink_nlmsg_hdrlen())
    public static let genericHeaderLength = Int(cnetlink_genl_hdrlen())
    public static let attributeHeaderLength = Int(cnetlink_nla_hdrlen())
    /// `struct ovs_header { int dp_ifindex; }` opening every OVS genl body.
    public static let ovsHeaderLength = 4
    /// `struct nlmsgerr { int error; struct nlmsghdr msg; }`.
    public static let errorHeaderLength = 20

    @inline(__always)
    public static func align(_ length: Int) -> Int { (length + alignment - 1) & ~(alignment - 1) }
}

/// Netlink message types and flags used here (linux/netlink.h).
public enum NetlinkConstants {
    public static let noop: UInt16 = 1
    public static let error: UInt16 = 2
    public static let done: UInt16 = 3
    public static let overrun: UInt16 = 4

    public static let flagRequest: UInt16 = 0x1
    public static let flagMulti: UInt16 = 0x2
    public static let flagAck: UInt16 = 0x4
    public static let flagEcho: UInt16 = 0x8
    public static let flagDumpInterrupted: UInt16 = 0x10
    public static let flagRoot: UInt16 = 0x100
    public static let flagMatch: UInt16 = 0x200
    public static let flagDump: UInt16 = 0x300
    public static let flagReplace: UInt16 = 0x100
    public static let flagExclusive: UInt16 = 0x200
    public static let flagCreate: UInt16 = 0x400
    /// In an error message: the kernel did not echo the request (NETLINK_CAP_ACK).
    public static let flagCapped: UInt16 = 0x100
    /// In an error message: extended-ack TLVs follow (NETLINK_EXT_ACK).
    public static let flagAckTLVs: UInt16 = 0x200

    public static let extAckMessage: UInt16 = 1  // NLMSGERR_ATTR_MSG
    public static let extAckOffset: UInt16 = 2  // NLMSGERR_ATTR_OFFS
}
