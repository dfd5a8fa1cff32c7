/// One received netlink message: its header fields and a view of its payload
/// (everything after `nlmsghdr`) inside the received datagram.
public struct NetlinkMessage: Sendable {
    /// `nlmsg_type`: NLMSG_ERROR, NLMSG_DONE…, or the family id of a generic
    /// netlink message.
    public let type: UInt16
    /// `nlmsg_flags`: NLM_F_MULTI on dump parts, the ack flags on errors (see
    /// `NetlinkConstants`).
    public let flags: UInt16
    /// `nlmsg_seq`: the sequence number of the request this answers; 0 for a
    /// notification or an upcall.
    public let sequence: UInt32
    /// `nlmsg_pid`: the sender's netlink port id; 0 for the kernel.
    public let portID: UInt32
    /// Everything after `nlmsghdr`, up to the message's own length, without a copy.
    public let payload: ArraySlice<UInt8>

    /// Splits a datagram into its messages. A message whose length field is
    /// impossible ends the walk with an error instead of a read past the end.
    public static func split(_ datagram: ArraySlice<UInt8>) throws(NetlinkDecodingError) -> [NetlinkMessage] {
        var messages: [NetlinkMessage] = []
        var rest = datagram
        while rest.count >= NetlinkLayout.messageHeaderLength {
            let header = rest.withUnsafeBytes { $0.loadUnaligned(as: MessageHeader.self) }
            let length = Int(header.length)
            guard length >= NetlinkLayout.messageHeaderLength, length <= rest.count else {
                throw NetlinkDecodingError(attributeType: nil, reason: "message length \(length) with \(rest.count) bytes left")
            }
            let start = rest.startIndex
            messages.append(
                NetlinkMessage(
                    type: header.type, flags: header.flags, sequence: header.sequence, portID: header.portID,
                    payload: rest[(start + NetlinkLayout.messageHeaderLength)..<(start + length)]))
            rest = rest[min(start + NetlinkLayout.align(length), rest.endIndex)...]
        }
        return messages
    }

    /// For generic netlink replies: the command from `genlmsghdr`.
    public var genericCommand: UInt8? { payload.first }

    /// The bytes after `genlmsghdr` and `extraHeaderLength` more bytes of
    /// family header (4 for the OVS families' `ovs_header`).
    public func genericAttributes(extraHeaderLength: Int = 0) throws(NetlinkDecodingError) -> NetlinkAttributeReader {
        let skip = NetlinkLayout.genericHeaderLength + extraHeaderLength
        guard payload.count >= skip else {
            throw NetlinkDecodingError(attributeType: nil, reason: "generic netlink message of \(payload.count) bytes")
        }
        return NetlinkAttributeReader(payload.dropFirst(skip))
    }

    /// For OVS family replies: `ovs_header.dp_ifindex`.
    public var ovsDatapathIfindex: Int32? {
        let offset = NetlinkLayout.genericHeaderLength
        guard payload.count >= offset + 4 else { return nil }
        return payload.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: Int32.self) }
    }

    /// For `NLMSG_ERROR`: the (positive) errno, 0 for an ack, and the
    /// extended-ack text the kernel attached, if any.
    public func errorPayload() throws(NetlinkDecodingError) -> (errno: Int32, sequence: UInt32, message: String?) {
        guard payload.count >= NetlinkLayout.errorHeaderLength else {
            throw NetlinkDecodingError(attributeType: nil, reason: "error message of \(payload.count) bytes")
        }
        let (error, original) = payload.withUnsafeBytes {
            ($0.loadUnaligned(fromByteOffset: 0, as: Int32.self), $0.loadUnaligned(fromByteOffset: 4, as: MessageHeader.self))
        }
        var extAckText: String?
        if flags & NetlinkConstants.flagAckTLVs != 0 {
            // With NETLINK_CAP_ACK the original request is not echoed, only its header.
            let echoed =
                flags & NetlinkConstants.flagCapped != 0 || error == 0
                ? NetlinkLayout.messageHeaderLength : Int(original.length)
            let tlvStart = 4 + NetlinkLayout.align(echoed)
            if payload.count > tlvStart {
                var reader = NetlinkAttributeReader(payload.dropFirst(tlvStart))
                while let attribute = try? reader.next() {
                    if attribute.type == NetlinkConstants.extAckMessage { extAckText = try? attribute.string() }
                }
            }
        }
        return (-error, original.sequence, extAckText)
    }
}
