import CNetlink

/// Sizes and alignment of netlink's fixed headers, taken from the C headers
/// once (the macros themselves do not import into Swift).
public enum NetlinkLayout {
    /// Netlink aligns messages and attributes to 4 bytes (NLMSG_ALIGNTO, NLA_ALIGNTO).
    public static let alignment = 4
    /// `NLMSG_HDRLEN`: the aligned size of `struct nlmsghdr` (16).
    public static let messageHeaderLength = Int(cnetlink_nlmsg_hdrlen())
    /// `GENL_HDRLEN`: the aligned size of `struct genlmsghdr` (4).
    public static let genericHeaderLength = Int(cnetlink_genl_hdrlen())
    /// `NLA_HDRLEN`: the aligned size of `struct nlattr` (4).
    public static let attributeHeaderLength = Int(cnetlink_nla_hdrlen())
    /// `struct ovs_header { int dp_ifindex; }` opening every OVS genl body.
    public static let ovsHeaderLength = 4
    /// `struct nlmsgerr { int error; struct nlmsghdr msg; }`.
    public static let errorHeaderLength = 20

    /// `length` rounded up to the netlink alignment (NLMSG_ALIGN, NLA_ALIGN).
    @inline(__always)
    public static func align(_ length: Int) -> Int { (length + alignment - 1) & ~(alignment - 1) }
}

/// Netlink message types and flags used here (linux/netlink.h).
public enum NetlinkConstants {
    /// NLMSG_NOOP: a message to ignore.
    public static let noop: UInt16 = 1
    /// NLMSG_ERROR: an error or, with errno 0, an ack.
    public static let error: UInt16 = 2
    /// NLMSG_DONE: the end of a multipart (dump) reply.
    public static let done: UInt16 = 3
    /// NLMSG_OVERRUN: data was lost.
    public static let overrun: UInt16 = 4

    /// NLM_F_REQUEST: the message is a request.
    public static let flagRequest: UInt16 = 0x1
    /// NLM_F_MULTI: a part of a multipart reply, ended by NLMSG_DONE.
    public static let flagMulti: UInt16 = 0x2
    /// NLM_F_ACK: ask for an ack (an NLMSG_ERROR with errno 0) on success.
    public static let flagAck: UInt16 = 0x4
    /// NLM_F_ECHO: echo the request back, as the reply to a new or set command.
    public static let flagEcho: UInt16 = 0x8
    /// NLM_F_DUMP_INTR: the dump was interrupted by a change; it may be inconsistent.
    public static let flagDumpInterrupted: UInt16 = 0x10
    /// NLM_F_ROOT (get requests): return the whole table.
    public static let flagRoot: UInt16 = 0x100
    /// NLM_F_MATCH (get requests): return all entries matching.
    public static let flagMatch: UInt16 = 0x200
    /// NLM_F_DUMP: NLM_F_ROOT | NLM_F_MATCH, a dump.
    public static let flagDump: UInt16 = 0x300
    /// NLM_F_REPLACE (new requests): replace an existing object.
    public static let flagReplace: UInt16 = 0x100
    /// NLM_F_EXCL (new requests): fail with EEXIST if the object exists.
    public static let flagExclusive: UInt16 = 0x200
    /// NLM_F_CREATE (new requests): create the object if it does not exist.
    public static let flagCreate: UInt16 = 0x400
    /// In an error message: the kernel did not echo the request (NETLINK_CAP_ACK).
    public static let flagCapped: UInt16 = 0x100
    /// In an error message: extended-ack TLVs follow (NETLINK_EXT_ACK).
    public static let flagAckTLVs: UInt16 = 0x200

    /// NLMSGERR_ATTR_MSG: the extended ack's error text.
    public static let extAckMessage: UInt16 = 1  // NLMSGERR_ATTR_MSG
    /// NLMSGERR_ATTR_OFFS: the offset of the offending attribute in the request.
    public static let extAckOffset: UInt16 = 2  // NLMSGERR_ATTR_OFFS
}
