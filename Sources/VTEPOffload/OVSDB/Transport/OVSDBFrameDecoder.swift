import NIOCore

/// Cuts the byte stream into whole JSON-RPC messages with `JSONFramer`,
/// handing each on as its own buffer.
struct OVSDBFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    var framer: JSONFramer

    init(maxMessageBytes: Int) {
        framer = JSONFramer(maxMessageBytes: maxMessageBytes)
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let length = try buffer.withUnsafeReadableBytes { try framer.nextMessageLength(in: $0) }
        guard let length, let message = buffer.readSlice(length: length) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(message))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A partial message at EOF is dropped with the connection.
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}
