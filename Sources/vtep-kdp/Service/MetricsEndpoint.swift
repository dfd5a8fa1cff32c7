import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus

/// `--metrics-address HOST:PORT`: Prometheus's text exposition at
/// `GET /metrics` (any other path: 404). Each scrape first asks `refresh`
/// for the gauges that are counted only when read, then writes out the
/// registry swift-metrics records into.
final class MetricsEndpoint: Sendable {
    /// Where it listens (the port chosen by the kernel when 0 was asked for).
    let address: SocketAddress
    private let channel: any Channel

    /// Listens on `host:port` on NIO's singleton loop group until `close()`.
    init(host: String, port: Int, registry: PrometheusCollectorRegistry, refresh: @escaping @Sendable () async -> Void) async throws {
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(Scrape(registry: registry, refresh: refresh))
                }
            }
            .bind(host: host, port: port).get()
        address = channel.localAddress!
    }

    /// Stops listening.
    func close() async { try? await channel.close() }

    /// One connection's requests, answered in order (HTTP/1.1 keep-alive).
    private final class Scrape: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        private let registry: PrometheusCollectorRegistry
        private let refresh: @Sendable () async -> Void
        private var request: HTTPRequestHead?

        init(registry: PrometheusCollectorRegistry, refresh: @escaping @Sendable () async -> Void) {
            self.registry = registry
            self.refresh = refresh
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head): request = head
            case .body: break
            case .end:
                guard let head = request else { return }
                request = nil
                respond(to: head, context: context)
            }
        }

        private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
            let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
            guard path == "/metrics" else {
                send(.notFound, "text/plain", Array("only /metrics is served here\n".utf8), head: head, context: context)
                return
            }
            guard head.method == .GET || head.method == .HEAD else {
                send(.methodNotAllowed, "text/plain", Array("GET /metrics\n".utf8), head: head, context: context)
                return
            }
            let promise = context.eventLoop.makePromise(of: [UInt8].self)
            promise.completeWithTask { [refresh, registry] in
                await refresh()
                return registry.emitToBuffer()
            }
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            promise.futureResult.whenSuccess { body in
                let (handler, context) = loopBound.value
                handler.send(.ok, "text/plain; version=0.0.4; charset=utf-8", body, head: head, context: context)
            }
        }

        private func send(
            _ status: HTTPResponseStatus, _ type: String, _ body: [UInt8], head request: HTTPRequestHead, context: ChannelHandlerContext
        ) {
            var headers = HTTPHeaders([("Content-Type", type), ("Content-Length", "\(body.count)")])
            if !request.isKeepAlive { headers.add(name: "Connection", value: "close") }
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))), promise: nil)
            if request.method != .HEAD { context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil) }
            let closing = request.isKeepAlive ? nil : NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in closing?.value.close(promise: nil) }
        }
    }
}
