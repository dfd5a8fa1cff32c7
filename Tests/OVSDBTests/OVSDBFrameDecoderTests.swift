import NIOCore
import NIOEmbedded
import Testing

@testable import OVSDB

/// The pipeline stage that cuts reads into messages: each read's whole
/// messages go on together, a message split across reads waits for its
/// end, and only the unfinished message's bytes are kept.
@Suite struct OVSDBFrameDecoderTests {
    static func update(_ index: Int) -> String {
        #"{"id":null,"method":"update2","params":["hardware_vtep",{"Ucast_Macs_Remote":{"u\#(index)":{"modify":{"ipaddr":"10.0.0.\#(index % 250)"}}}}]}"#
    }

    /// Writes `stream` as reads of `step` bytes; returns what each read passed on.
    static func reads(
        _ stream: String, step: Int, into channel: EmbeddedChannel,
        afterEachRead: () -> Void = {}
    ) throws -> [[String]] {
        let bytes = Array(stream.utf8)
        var passedOn: [[String]] = []
        for start in stride(from: 0, to: bytes.count, by: step) {
            try channel.writeInbound(ByteBuffer(bytes: bytes[start..<min(start + step, bytes.count)]))
            while let frames = try channel.readInbound(as: [ByteBuffer].self) {
                passedOn.append(frames.map { String(buffer: $0).trimmingWhitespace })
            }
            afterEachRead()
        }
        return passedOn
    }

    @Test(arguments: [1, 7, 100, 4096, 1 << 20])
    func everyMessageArrivesOnceAndInOrderWhateverTheReadSize(step: Int) throws {
        let decoder = OVSDBFrameDecoder(maxMessageBytes: 1 << 20)
        let channel = EmbeddedChannel(handler: decoder)
        let messages = (0..<500).map(Self.update)
        let passedOn = try Self.reads(messages.joined(separator: "\n"), step: step, into: channel)
        #expect(passedOn.flatMap { $0 } == messages)
        if step == 1 << 20 {
            // One read holding them all: passed on as one batch.
            #expect(passedOn.count == 1)
        }
        #expect(decoder.partial == nil)
        _ = try channel.finish()
    }

    @Test func onlyTheUnfinishedMessageIsKept() throws {
        let decoder = OVSDBFrameDecoder(maxMessageBytes: 1 << 20)
        let channel = EmbeddedChannel(handler: decoder)
        // 100-byte reads end inside a message almost every time. 2 MB go
        // through; what is kept is at most one message's worth (plus
        // allocation slack), never the consumed bytes.
        var largestKept = 0, readsEndingInside = 0
        _ = try Self.reads((0..<10_000).map(Self.update).joined(), step: 100, into: channel) {
            guard let partial = decoder.partial else { return }
            readsEndingInside += 1
            largestKept = max(largestKept, partial.capacity)
        }
        #expect(readsEndingInside > 10_000)
        #expect(largestKept <= 4096)
        let partial = try Self.reads(#"{"id":1,"result":["#, step: 100, into: channel)
        #expect(partial.isEmpty)
        #expect(decoder.partial?.readableBytes == 18)
        _ = try channel.finish()
    }

    @Test func messagesBeforeABadByteAreHandledThenTheErrorEndsTheStream() throws {
        let channel = EmbeddedChannel(handler: OVSDBFrameDecoder(maxMessageBytes: 1 << 20))
        let good = Self.update(1)
        #expect(throws: JSONFramer.Failure.self) {
            try channel.writeInbound(ByteBuffer(string: good + " x" + Self.update(2)))
        }
        let frames = try channel.readInbound(as: [ByteBuffer].self)
        #expect(frames?.map { String(buffer: $0) } == [good])
        // Nothing after the failure is framed.
        try channel.writeInbound(ByteBuffer(string: Self.update(3)))
        #expect(try channel.readInbound(as: [ByteBuffer].self) == nil)
        _ = try? channel.finish()
    }
}
