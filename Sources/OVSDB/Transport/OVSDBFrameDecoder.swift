import NIOCore

/// Cuts the byte stream into whole JSON-RPC messages with `JSONFramer` and
/// passes on the messages each read completed, together: a backlog of
/// 10,000 one-row updates then crosses the pipeline, and the hop onto the
/// client's actor, once per read instead of once per message.
///
/// The bytes of a message still arriving are kept, and only those: once a
/// read's whole messages are passed on, the consumed bytes are dropped.
final class OVSDBFrameDecoder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = [ByteBuffer]

    private var framer: JSONFramer
    /// The start of a message whose end has not arrived yet.
    private(set) var partial: ByteBuffer?
    /// Set once the stream could not be framed: nothing after that is read.
    private var failed = false

    init(maxMessageBytes: Int) {
        framer = JSONFramer(maxMessageBytes: maxMessageBytes)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !failed else { return }
        var input = unwrapInboundIn(data)
        if var kept = partial.take() {
            kept.writeBuffer(&input)
            input = kept
        }
        var frames: [ByteBuffer] = []
        var failure: (any Error)?
        do {
            while let length = try input.withUnsafeReadableBytes({ try framer.nextMessageLength(in: $0) }) {
                frames.append(input.readSlice(length: length)!)
            }
        } catch {
            failure = error
        }
        // What was framed before a failure is still handled, in order.
        if !frames.isEmpty {
            context.fireChannelRead(wrapInboundOut(frames))
            frames = []
        }
        if let failure {
            failed = true
            context.fireErrorCaught(failure)
            return
        }
        if input.readableBytes > 0 {
            // The frames are gone, so this moves the partial message to the
            // front of storage it alone holds, rather than copying it.
            input.discardReadBytes()
            partial = input
        }
    }
}
