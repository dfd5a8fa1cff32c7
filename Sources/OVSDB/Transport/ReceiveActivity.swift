import NIOConcurrencyHelpers
import NIOCore

/// When bytes last arrived on a connection. Whole messages are not enough
/// for the inactivity probe: a monitor reply of 100,000 rows (20 MB) can
/// take longer than the probe interval to arrive on a loaded host, and a
/// probe that then hangs up makes the client download it again, and
/// again. Like OVS's jsonrpc, any byte received counts as a sign of life.
final class ReceiveActivity: Sendable {
    private let last = NIOLockedValueBox(ContinuousClock.now)

    func touch() { last.withLockedValue { $0 = .now } }
    var lastReceived: ContinuousClock.Instant { last.withLockedValue { $0 } }
}

/// Stamps `ReceiveActivity` on every read, before the framer sees it.
final class ReceiveActivityHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    let activity: ReceiveActivity

    init(_ activity: ReceiveActivity) { self.activity = activity }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        activity.touch()
        context.fireChannelRead(data)
    }
}
