/// One netlink request under construction: the `nlmsghdr` placeholder, any
/// family headers, then attributes. The socket fills in length, sequence
/// number and port id when it sends the message.
public struct NetlinkRequest: Sendable {
    /// `nlmsg_type`: the family id for generic netlink, or an rtnetlink type.
    public let type: UInt16
    /// `nlmsg_flags`; NLM_F_REQUEST is always set.
    public var flags: UInt16
    /// Attributes and family headers, starting right after the `nlmsghdr`.
    public var body: NetlinkAttributeWriter
    /// What the request does, for error messages ("create datapath").
    public var operation: String
    /// What it does it to, for error messages ("ovs-system"). Computed only
    /// when an error needs it: a batch of 100,000 flows names none of them
    /// unless one fails.
    public var object: String { describeObject() }
    private var describeObject: @Sendable () -> String

    /// An empty request of `type` whose errors name `operation` and `object`;
    /// `object` is only evaluated when an error needs it.
    public init(type: UInt16, flags: UInt16 = 0, operation: String, object: @autoclosure @escaping @Sendable () -> String) {
        self.init(type: type, flags: flags, operation: operation, describedBy: object)
    }

    package init(type: UInt16, flags: UInt16, operation: String, describedBy object: @escaping @Sendable () -> String) {
        self.type = type
        self.flags = flags | NetlinkConstants.flagRequest
        self.body = NetlinkAttributeWriter(reservingCapacity: 192)
        self.operation = operation
        self.describeObject = object
    }

    /// A generic netlink request: `genlmsghdr` and, for the OVS families,
    /// the `ovs_header` carrying the datapath's ifindex.
    public static func generic(
        family: UInt16, command: UInt8, version: UInt8, flags: UInt16 = 0,
        dpIfindex: Int32? = nil, operation: String, object: @autoclosure @escaping @Sendable () -> String
    ) -> NetlinkRequest {
        var request = NetlinkRequest(type: family, flags: flags, operation: operation, describedBy: object)
        request.body.appendFixed(GenericHeader(command: command, version: version))
        if let dpIfindex { request.body.appendFixed(dpIfindex) }
        return request
    }

    /// The same request, described as `object` in errors.
    public init(rebinding request: NetlinkRequest, object: @autoclosure @escaping @Sendable () -> String) {
        self = request
        self.describeObject = object
    }

    /// The wire bytes with length, sequence and port id filled in.
    public func encoded(sequence: UInt32, portID: UInt32) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(NetlinkLayout.messageHeaderLength + body.bytes.count)
        appendEncoded(to: &out, sequence: sequence, portID: portID)
        return out
    }

    /// Appends the wire bytes to a batch buffer without an intermediate copy.
    public func appendEncoded(to out: inout [UInt8], sequence: UInt32, portID: UInt32) {
        let header = MessageHeader(
            length: UInt32(NetlinkLayout.messageHeaderLength + body.bytes.count),
            type: type, flags: flags, sequence: sequence, portID: portID)
        withUnsafeBytes(of: header) { out.append(contentsOf: $0) }
        out.append(contentsOf: body.bytes)
    }

    /// The bytes `encoded(sequence:portID:)` produces, without producing them.
    public var encodedLength: Int { NetlinkLayout.messageHeaderLength + body.bytes.count }
}

/// `struct nlmsghdr`, laid out as the kernel expects (host order).
package struct MessageHeader: BitwiseCopyable {
    package var length: UInt32
    package var type: UInt16
    package var flags: UInt16
    package var sequence: UInt32
    package var portID: UInt32
}

/// `struct genlmsghdr`.
package struct GenericHeader: BitwiseCopyable {
    package var command: UInt8
    package var version: UInt8
    package var reserved: UInt16 = 0
}
