import Testing

@testable import OVSDatapathCore

/// Message framing and error decoding, without a kernel.
@Suite struct NetlinkMessageTests {
    @Test func requestsEncodeHeaderThenBody() {
        var request = NetlinkRequest.generic(
            family: 0x20, command: 3, version: 2, flags: NetlinkConstants.flagDump,
            dpIfindex: 7, operation: "test", object: "")
        request.body.put(1, u32: 5)
        let bytes = request.encoded(sequence: 0x0102_0304, portID: 99)
        #expect(bytes.count == 16 + 4 + 4 + 8)
        #expect(Array(bytes[0..<4]) == [32, 0, 0, 0])  // length
        #expect(Array(bytes[4..<6]) == [0x20, 0])  // family id
        #expect(Array(bytes[6..<8]) == [0x01, 0x03])  // REQUEST | DUMP
        #expect(Array(bytes[8..<12]) == [4, 3, 2, 1])  // sequence
        #expect(Array(bytes[12..<16]) == [99, 0, 0, 0])  // port id
        #expect(Array(bytes[16..<20]) == [3, 2, 0, 0])  // genl cmd, version
        #expect(Array(bytes[20..<24]) == [7, 0, 0, 0])  // ovs_header
    }

    @Test func datagramsSplitIntoMessages() throws {
        var a = NetlinkRequest(type: 30, operation: "a", object: "")
        a.body.put(1, u8: 1)
        let b = NetlinkRequest(type: 31, operation: "b", object: "")
        var datagram: [UInt8] = []
        a.appendEncoded(to: &datagram, sequence: 1, portID: 0)
        b.appendEncoded(to: &datagram, sequence: 2, portID: 0)
        let messages = try NetlinkMessage.split(datagram[...])
        #expect(messages.map(\.type) == [30, 31])
        #expect(messages.map(\.sequence) == [1, 2])
        #expect(messages[0].payload.count == 8)
        #expect(messages[1].payload.isEmpty)
    }

    @Test func aMessageLongerThanTheDatagramIsRejected() {
        var datagram = NetlinkRequest(type: 30, operation: "a", object: "").encoded(sequence: 1, portID: 0)
        datagram[0] = 64
        #expect(throws: NetlinkDecodingError.self) { try NetlinkMessage.split(datagram[...]) }
    }

    /// An NLMSG_ERROR as the kernel sends it with NETLINK_CAP_ACK and
    /// NETLINK_EXT_ACK: errno, the request's header, then TLVs.
    @Test func errorRepliesCarryErrnoSequenceAndExtAckText() throws {
        var payload = NetlinkAttributeWriter()
        payload.appendFixed(Int32(-22))
        payload.appendFixed(MessageHeader(length: 40, type: 30, flags: 5, sequence: 77, portID: 9))
        payload.put(NetlinkConstants.extAckMessage, string: "Flow key attribute not present")
        let message = NetlinkMessage(
            type: NetlinkConstants.error,
            flags: NetlinkConstants.flagCapped | NetlinkConstants.flagAckTLVs,
            sequence: 77, portID: 0, payload: payload.bytes[...])
        let (errno, sequence, text) = try message.errorPayload()
        #expect(errno == 22)
        #expect(sequence == 77)
        #expect(text == "Flow key attribute not present")
    }

    @Test func errorsNameOperationObjectAndErrno() {
        let error = NetlinkError(operation: "add vport", object: "nosuch", cause: .kernel(errno: 19, message: nil))
        #expect(error.description == "add vport 'nosuch': the kernel refused with ENODEV (No such device)")
        #expect(error.errno == 19)
    }
}
