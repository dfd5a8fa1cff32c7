import Testing

@testable import OVSDatapathCore

/// The attribute codec without a kernel: what goes on the wire, and what
/// comes back off it, byte for byte.
@Suite struct AttributeCodecTests {
    @Test func headerSizesMatchTheCHeaders() {
        #expect(NetlinkLayout.messageHeaderLength == 16)
        #expect(NetlinkLayout.genericHeaderLength == 4)
        #expect(NetlinkLayout.attributeHeaderLength == 4)
        #expect(MemoryLayout<MessageHeader>.size == 16)
        #expect(MemoryLayout<GenericHeader>.size == 4)
    }

    @Test(arguments: [(0, 0), (1, 4), (3, 4), (4, 4), (5, 8), (15, 16)])
    func alignmentRoundsUpToFour(length: Int, aligned: Int) {
        #expect(NetlinkLayout.align(length) == aligned)
    }

    @Test func scalarsAreHostOrderWithLengthAndPadding() {
        var writer = NetlinkAttributeWriter()
        writer.put(1, u8: 0xAB)
        writer.put(2, u16: 0x1234)
        writer.put(3, u32: 0xDEAD_BEEF)
        writer.put(4, u64: 0x0102_0304_0506_0708)
        #expect(
            writer.bytes == [
                5, 0, 1, 0, 0xAB, 0, 0, 0,  // len 5, padded to 8
                6, 0, 2, 0, 0x34, 0x12, 0, 0,  // len 6, padded to 8
                8, 0, 3, 0, 0xEF, 0xBE, 0xAD, 0xDE,
                12, 0, 4, 0, 8, 7, 6, 5, 4, 3, 2, 1,
            ])
    }

    @Test func bigEndianValuesAreNetworkOrder() throws {
        var writer = NetlinkAttributeWriter()
        writer.put(7, be16: 4789)
        writer.put(8, be64: 0x21)
        #expect(Array(writer.bytes[4..<6]) == [0x12, 0xB5])
        #expect(Array(writer.bytes[12..<20]) == [0, 0, 0, 0, 0, 0, 0, 0x21])
        let table = try NetlinkAttributeReader(writer.bytes).table()
        #expect(try table[7]?.be16() == 4789)
        #expect(try table[8]?.be64() == 0x21)
    }

    @Test func stringsAreNulTerminatedAndPadded() throws {
        var writer = NetlinkAttributeWriter()
        writer.put(3, string: "p0")
        #expect(writer.bytes == [7, 0, 3, 0, 0x70, 0x30, 0, 0])
        var reader = NetlinkAttributeReader(writer.bytes)
        #expect(try reader.next()?.string() == "p0")
        #expect(try reader.next() == nil)
    }

    @Test func flagsAndArraysRoundTrip() throws {
        var writer = NetlinkAttributeWriter()
        writer.putFlag(9)
        writer.put(5, u32Array: [7, 8, 9])
        let table = try NetlinkAttributeReader(writer.bytes).table()
        #expect(table[9]?.payload.isEmpty == true)
        #expect(try table[5]?.u32Array() == [7, 8, 9])
    }

    @Test func nestingPatchesTheOuterLength() throws {
        var writer = NetlinkAttributeWriter()
        writer.nest(4) { options in
            options.put(1, u16: 4789)
            options.nest(2) { inner in inner.put(1, u8: 1) }
        }
        writer.put(5, u32: 42)
        // outer: 4 header + 8 (u16 attr padded) + 4 (inner nest header) + 8 (u8 attr padded) = 24
        #expect(writer.bytes[0] == 24)
        var outer = NetlinkAttributeReader(writer.bytes)
        let options = try #require(try outer.next())
        #expect(options.type == 4)
        var inner = options.nested
        #expect(try inner.next()?.u16() == 4789)
        let deeper = try #require(try inner.next())
        var deepest = deeper.nested
        #expect(try deepest.next()?.u8() == 1)
        #expect(try inner.next() == nil)
        #expect(try outer.next()?.u32() == 42)
    }

    @Test func flagBitsAreSeparatedFromTheType() throws {
        // NLA_F_NESTED | 4, as some senders mark nests.
        let bytes: [UInt8] = [4, 0, 0x04, 0x80]
        var reader = NetlinkAttributeReader(bytes)
        let attribute = try #require(try reader.next())
        #expect(attribute.type == 4)
        #expect(attribute.flags == NetlinkAttribute.nestedFlag)
    }

    @Test func unknownAttributesAreSkippedByTypedDecoders() throws {
        var writer = NetlinkAttributeWriter()
        writer.appendFixed(GenericHeader(command: 1, version: 2))
        writer.appendFixed(Int32(6))
        writer.put(200, bytes: [1, 2, 3])  // a type from some future kernel
        writer.put(1, string: "ovs-system")  // OVS_DP_ATTR_NAME
        writer.put(5, u32: 9)  // OVS_DP_ATTR_USER_FEATURES
        let message = NetlinkMessage(type: 30, flags: 0, sequence: 1, portID: 0, payload: writer.bytes[...])
        let datapath = try Datapath.decode(message)
        #expect(datapath.name == "ovs-system")
        #expect(datapath.ifindex == 6)
        #expect(datapath.userFeatures == [.unaligned, .dispatchUpcallPerCPU])
    }

    @Test func lengthPastTheEndIsRejected() {
        let bytes: [UInt8] = [12, 0, 1, 0, 1, 2, 3, 4]  // claims 12, has 8
        var reader = NetlinkAttributeReader(bytes)
        #expect(throws: NetlinkDecodingError.self) { try reader.next() }
    }

    @Test func lengthShorterThanItsHeaderIsRejected() {
        let bytes: [UInt8] = [2, 0, 1, 0]
        var reader = NetlinkAttributeReader(bytes)
        #expect(throws: NetlinkDecodingError.self) { try reader.next() }
    }

    @Test func strayTrailingBytesAreRejected() throws {
        var writer = NetlinkAttributeWriter()
        writer.put(1, u8: 1)
        var reader = NetlinkAttributeReader(writer.bytes + [9, 9])
        _ = try reader.next()
        #expect(throws: NetlinkDecodingError.self) { try reader.next() }
    }

    @Test func wrongScalarWidthIsRejected() throws {
        var writer = NetlinkAttributeWriter()
        writer.put(1, u16: 1)
        let table = try NetlinkAttributeReader(writer.bytes).table()
        #expect(throws: NetlinkDecodingError.self) { try table[1]?.u32() }
        #expect(throws: NetlinkDecodingError.self) { try table[1]?.u64() }
    }

    @Test func invalidUTF8IsRejected() throws {
        var writer = NetlinkAttributeWriter()
        writer.put(3, bytes: [0xFF, 0xFE, 0])
        let table = try NetlinkAttributeReader(writer.bytes).table()
        #expect(throws: NetlinkDecodingError.self) { try table[3]?.string() }
    }

    @Test func truncatedStructIsRejected() throws {
        var writer = NetlinkAttributeWriter()
        writer.put(3, bytes: [UInt8](repeating: 0, count: 16))
        let table = try NetlinkAttributeReader(writer.bytes).table()
        #expect(throws: NetlinkDecodingError.self) { try table[3]?.fixed(DatapathStatsLayout.self) }
    }

    @Test func decodedPayloadsAreViewsIntoTheDatagram() throws {
        var writer = NetlinkAttributeWriter()
        writer.put(1, u32: 1)
        writer.put(2, u32: 2)
        let datagram = writer.bytes
        var reader = NetlinkAttributeReader(datagram[...])
        _ = try reader.next()
        let second = try #require(try reader.next())
        // Indices into the original array, not a fresh copy starting at 0.
        #expect(second.payload.startIndex == 12)
    }
}

/// Stand-in of ovs_dp_stats' size for the truncation test.
struct DatapathStatsLayout: BitwiseCopyable { var a: UInt64, b: UInt64, c: UInt64, d: UInt64 }
