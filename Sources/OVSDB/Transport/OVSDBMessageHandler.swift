import NIOCore

/// The end of a connection's pipeline: hands the whole messages of each read,
/// the end of each read (so the client can report a burst of updates at
/// once), and the error that ends the connection, to the client.
///
/// Both run on the connection's event loop, which is also the client
/// actor's executor, so a message is decoded and applied on the thread that
/// read it. An update arriving on its own (the usual case: one per server
/// transaction) then costs one wake-up, not three (event loop → stream
/// consumer → actor).
final class OVSDBMessageHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = [ByteBuffer]

    private let deliver: @Sendable ([ByteBuffer]) -> Void
    private let readComplete: @Sendable () -> Void
    private let fail: @Sendable (any Error) -> Void

    init(
        deliver: @escaping @Sendable ([ByteBuffer]) -> Void, readComplete: @escaping @Sendable () -> Void,
        fail: @escaping @Sendable (any Error) -> Void
    ) {
        self.deliver = deliver
        self.readComplete = readComplete
        self.fail = fail
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        deliver(unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        readComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }
}
