import Testing

@testable import OVSDatapathCore

/// The shared-buffer batch encodes exactly what single requests encode.
@Suite struct NetlinkBatchTests {
    @Test func batchedMessagesMatchSingleRequestsByteForByte() throws {
        var batch = NetlinkBatch()
        batch.appendGeneric(
            family: 0x21, command: 1, version: 2, flags: NetlinkConstants.flagCreate, dpIfindex: 9,
            operation: "first"
        ) {
            $0.put(5, u32: 0xdead_beef); $0.put(6, bytes: [1, 2, 3])
        }
        var single = NetlinkRequest.generic(family: 0x21, command: 3, version: 2, dpIfindex: 9, operation: "second", object: "")
        single.body.nest(7) { $0.put(1, u16: 4) }
        batch.append(single)
        batch.stamp(0, sequence: 10, portID: 77)
        batch.stamp(1, sequence: 11, portID: 77)

        var expected = NetlinkRequest.generic(
            family: 0x21, command: 1, version: 2, flags: NetlinkConstants.flagCreate,
            dpIfindex: 9, operation: "first", object: "")
        expected.body.put(5, u32: 0xdead_beef)
        expected.body.put(6, bytes: [1, 2, 3])
        #expect(batch.count == 2)
        #expect(batch.operations == ["first", "second"])
        #expect(Array(batch.writer.bytes[batch.range(of: 0)]) == expected.encoded(sequence: 10, portID: 77))
        #expect(Array(batch.writer.bytes[batch.range(of: 1)]) == single.encoded(sequence: 11, portID: 77))
        let messages = try NetlinkMessage.split(batch.writer.bytes[...])
        #expect(messages.map(\.sequence) == [10, 11])
    }

    @Test func anOversizedMessageIsMarkedAndTheNextIsNot() {
        var batch = NetlinkBatch()
        batch.appendGeneric(family: 0x21, command: 1, version: 2, flags: 0, dpIfindex: nil, operation: "big") {
            $0.put(1, bytes: [UInt8](repeating: 0, count: 70_000))
        }
        batch.appendGeneric(family: 0x21, command: 1, version: 2, flags: 0, dpIfindex: nil, operation: "small") {
            $0.put(1, u8: 1)
        }
        #expect(batch.oversized == [0])
    }
}
