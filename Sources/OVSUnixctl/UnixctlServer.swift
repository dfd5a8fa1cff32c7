import Foundation
import NIOCore
import NIOPosix
import OVSDB

/// A control socket that OVS's own `ovs-appctl` talks to: JSON-RPC over a
/// unix socket, one request `{"method": NAME, "params": [ARG...], "id": N}`
/// answered by `{"result": TEXT, "error": null, "id": N}` or an error. The
/// socket lives at `<rundir>/<program>.<pid>.ctl`, where `ovs-appctl -t
/// <program>` looks for it (reading `<rundir>/<program>.pid`).
///
/// `list-commands` and `version` are built in. A request that is not
/// JSON-RPC, names no known command or has the wrong number of arguments
/// gets an error reply, or the connection is closed; never a crash.
public final class UnixctlServer: Sendable {
    /// Where the socket is.
    public let path: String
    private let channel: any Channel

    /// Binds `path` (mode 0750, an old socket file replaced) and serves
    /// `commands` on NIO's singleton loop group until `close()`.
    public init(path: String, version: String, commands: [UnixctlCommand]) async throws {
        self.path = path
        var table: [String: UnixctlCommand] = [:]
        for command in commands { table[command.name] = command }
        table["version"] = UnixctlCommand("version") { _ in .success(version + "\n") }
        let synopses = (table.values.map { ($0.name, $0.usage) } + [("list-commands", "")]).sorted { $0.0 < $1.0 }
        let listing = "The available commands are:\n" + synopses.map { "  \($0)\($1.isEmpty ? "" : " " + $1)\n" }.joined()
        table["list-commands"] = UnixctlCommand("list-commands") { _ in .success(listing) }
        let commands = table
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Connection(commands: commands)) }
            }
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get()
        chmod(path, 0o750)
    }

    /// Stops listening and removes the socket file.
    public func close() async {
        try? await channel.close()
        unlink(path)
    }

    /// One client's requests, answered in order.
    private final class Connection: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        private let commands: [String: UnixctlCommand]
        private var framer = JSONFramer(maxMessageBytes: 1 << 20)
        private var pending = ByteBuffer()
        private var replies: [EventLoopFuture<Void>] = []

        init(commands: [String: UnixctlCommand]) { self.commands = commands }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var input = unwrapInboundIn(data)
            pending.writeBuffer(&input)
            do {
                while let length = try pending.withUnsafeReadableBytes({ try framer.nextMessageLength(in: $0) }) {
                    answer(pending.readSlice(length: length)!, context: context)
                }
                pending.discardReadBytes()
            } catch {
                context.close(promise: nil)  // not JSON: nothing more can be read from it
            }
        }

        private func answer(_ frame: ByteBuffer, context: ChannelHandlerContext) {
            let request: OVSDBMessage
            do {
                request = try OVSDBMessage(buffer: frame)
            } catch {
                context.close(promise: nil)
                return
            }
            guard request.kind == .request, let method = request.method else {
                context.close(promise: nil)
                return
            }
            let arguments = request.params.flatMap { range in
                try? request.read(range) { (reader) throws(JSONError) -> [String] in
                    var strings: [String] = []
                    try reader.readArray { (element) throws(JSONError) in strings.append(try element.readString()) }
                    return strings
                }
            }
            let id = request.id, channel = context.channel
            let command = commands[method]
            let promise = context.eventLoop.makePromise(of: String.self)
            promise.completeWithTask {
                guard let arguments else { return Self.reply(id: id, .failure(UnixctlError("\"params\" must be an array of strings"))) }
                guard let command else { return Self.reply(id: id, .failure(UnixctlError("\"\(method)\" is not a valid command"))) }
                guard command.arguments.contains(arguments.count) else {
                    return Self.reply(
                        id: id, .failure(UnixctlError("\"\(method)\" command takes \(Self.count(command.arguments)) arguments")))
                }
                return Self.reply(id: id, await command.run(arguments))
            }
            // Replies go out in the order the requests came.
            let previous = replies.last ?? context.eventLoop.makeSucceededVoidFuture()
            let sent = previous.flatMap { promise.futureResult }.flatMap { text in
                channel.writeAndFlush(ByteBuffer(string: text))
            }
            replies = [sent]
        }

        private static func count(_ range: ClosedRange<Int>) -> String {
            range.lowerBound == range.upperBound
                ? "\(range.lowerBound)" : "between \(range.lowerBound) and \(range.upperBound)"
        }

        private static func reply(id: OVSDBMessage.ID, _ outcome: UnixctlCommand.Reply) -> String {
            let members: [(String, JSONValue)]
            switch outcome {
            case .success(let text): members = [("id", id.json), ("result", .string(text)), ("error", .null)]
            case .failure(let error): members = [("id", id.json), ("result", .null), ("error", .string(error.description))]
            }
            return JSONValue.object(members).text
        }
    }
}
