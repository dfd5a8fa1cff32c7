import CNetlink

#if canImport(Glibc)
import Glibc
import OVSDatapathCore
#endif

/// A netlink socket that owns its file descriptor (through libmnl), numbers
/// its requests and matches every reply, error or ack back to the request
/// that caused it.
///
/// Not thread-safe by design: one owner sends and receives on it. A failed
/// request leaves the socket usable for the next one.
public final class NetlinkSocket {
    private let handle: OpaquePointer
    /// The netlink port id the kernel bound the socket to: what a datapath or
    /// vport is told to send upcalls to.
    public let portID: UInt32
    /// The netlink protocol: `NETLINK_GENERIC`, or `NETLINK_ROUTE` for rtnetlink.
    public let netlinkProtocol: Int32
    private var nextSequence: UInt32
    private var receiveBuffer: [UInt8]

    /// How many bytes of requests go into one `sendmsg` at most.
    public var maxBatchBytes = 8 * 1024

    /// - Parameter receiveTimeout: how long a blocking receive waits for the
    ///   kernel before the operation fails with `.timedOut`.
    public init(protocol netlinkProtocol: Int32 = NETLINK_GENERIC, receiveTimeout: Duration = .seconds(10)) throws(NetlinkError) {
        guard let handle = mnl_socket_open2(netlinkProtocol, Int32(SOCK_CLOEXEC.rawValue)) else {
            throw NetlinkError(operation: "open netlink socket", object: "", cause: .system(call: "socket", errno: cnetlink_errno()))
        }
        guard mnl_socket_bind(handle, 0, pid_t(MNL_SOCKET_AUTOPID)) == 0 else {
            let err = cnetlink_errno()
            mnl_socket_close(handle)
            throw NetlinkError(operation: "bind netlink socket", object: "", cause: .system(call: "bind", errno: err))
        }
        self.handle = handle
        self.netlinkProtocol = netlinkProtocol
        self.portID = mnl_socket_get_portid(handle)
        self.nextSequence = UInt32(truncatingIfNeeded: time(nil))
        self.receiveBuffer = [UInt8](repeating: 0, count: 256 * 1024)

        let fd = mnl_socket_get_fd(handle)
        // Errors name the attribute and reason; requests are not echoed back in them.
        var on: Int32 = 1
        _ = mnl_socket_setsockopt(handle, NETLINK_EXT_ACK, &on, socklen_t(MemoryLayout<Int32>.size))
        _ = mnl_socket_setsockopt(handle, NETLINK_CAP_ACK, &on, socklen_t(MemoryLayout<Int32>.size))
        // A large queue so a batch's error replies and dumps never overflow it
        // (FORCE needs CAP_NET_ADMIN; fall back to the capped option).
        var size: Int32 = 4 * 1024 * 1024
        if setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, socklen_t(MemoryLayout<Int32>.size)) != 0 {
            _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        let microseconds = receiveTimeout.wholeMicroseconds
        var timeout = timeval(tv_sec: Int(microseconds / 1_000_000), tv_usec: Int(microseconds % 1_000_000))
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { mnl_socket_close(handle) }

    /// The socket's file descriptor, for `poll`; the socket still owns it.
    public var fileDescriptor: Int32 { mnl_socket_get_fd(handle) }

    /// Joins a multicast group (notifications of another writer, say).
    public func join(group: UInt32) throws(NetlinkError) {
        var group = group
        guard mnl_socket_setsockopt(handle, NETLINK_ADD_MEMBERSHIP, &group, socklen_t(MemoryLayout<UInt32>.size)) == 0 else {
            throw NetlinkError(
                operation: "join multicast group", object: "\(group)", cause: .system(call: "setsockopt", errno: cnetlink_errno()))
        }
    }

    // MARK: Single requests

    /// Sends one request with `NLM_F_ACK` and returns the replies that came
    /// before the ack (a GET's answer, an ECHOed NEW).
    @discardableResult
    public func transact(_ request: NetlinkRequest) throws(NetlinkError) -> [NetlinkMessage] {
        var request = request
        request.flags |= NetlinkConstants.flagAck
        try Self.checkSize(request)
        let sequence = allocateSequence()
        try send(request.encoded(sequence: sequence, portID: portID), for: request)
        var replies: [NetlinkMessage] = []
        while true {
            for message in try receiveDatagram(for: request, blocking: true) where message.sequence == sequence {
                switch message.type {
                case NetlinkConstants.error:
                    let (errno, _, text) = try decodeError(message, for: request)
                    if errno == 0 { return replies }
                    throw NetlinkError(operation: request.operation, object: request.object, cause: .kernel(errno: errno, message: text))
                case NetlinkConstants.done:
                    return replies
                case NetlinkConstants.noop:
                    continue
                default:
                    replies.append(message)
                }
            }
        }
    }

    /// Sends a dump request and collects every part until `NLMSG_DONE`.
    public func dump(_ request: NetlinkRequest) throws(NetlinkError) -> [NetlinkMessage] {
        var parts: [NetlinkMessage] = []
        try dump(request) { parts.append($0) }
        return parts
    }

    /// Streams a dump's parts to `body` as they arrive, so a large table never
    /// sits twice in memory.
    public func dump(_ request: NetlinkRequest, _ body: (NetlinkMessage) throws(NetlinkError) -> Void) throws(NetlinkError) {
        var request = request
        request.flags |= NetlinkConstants.flagDump | NetlinkConstants.flagAck
        let sequence = allocateSequence()
        try send(request.encoded(sequence: sequence, portID: portID), for: request)
        while true {
            for message in try receiveDatagram(for: request, blocking: true) where message.sequence == sequence {
                switch message.type {
                case NetlinkConstants.done:
                    return
                case NetlinkConstants.error:
                    let (errno, _, text) = try decodeError(message, for: request)
                    if errno == 0 { return }
                    throw NetlinkError(operation: request.operation, object: request.object, cause: .kernel(errno: errno, message: text))
                case NetlinkConstants.noop:
                    continue
                default:
                    try body(message)
                }
            }
        }
    }

    // MARK: Batches

    /// Sends many requests, several per `sendmsg`, without asking for acks:
    /// the kernel handles every message of a datagram before `sendmsg`
    /// returns and queues a reply only for a failure (or an ECHO), so after
    /// each send the queue is drained without blocking. Each result is the
    /// replies to that request, or the error the kernel gave for it; one
    /// failure does not stop the others.
    public func batch(_ requests: [NetlinkRequest]) -> [Result<[NetlinkMessage], NetlinkError>] {
        var batch = NetlinkBatch(messages: requests.count)
        for request in requests { batch.append(request) }
        return send(&batch).enumerated().map { index, result in
            result.mapError { NetlinkError(operation: $0.operation, object: requests[index].object, cause: $0.cause) }
        }
    }

    /// The same for requests already encoded into one buffer, sent straight
    /// from it. Errors name the operation but no object: the caller knows
    /// what each message was about and describes it only if it failed.
    public func send(_ batch: inout NetlinkBatch) -> [Result<[NetlinkMessage], NetlinkError>] {
        var results = [Result<[NetlinkMessage], NetlinkError>](repeating: .success([]), count: batch.count)
        guard !batch.isEmpty else { return results }
        let firstSequence = allocateSequence(count: UInt32(batch.count))
        var chunkStart = 0

        func flush(upTo end: Int) {
            guard end > chunkStart else { return }
            let chunk = chunkStart..<end
            let bytes = batch.starts[chunk.lowerBound]..<batch.range(of: end - 1).upperBound
            do throws(NetlinkError) {
                try send(batch.writer.bytes[bytes], operation: batch.operations[chunk.lowerBound])
                try drain(batch, chunk: chunk, baseSequence: firstSequence, into: &results)
            } catch {
                for index in chunk {
                    if case .success = results[index] {
                        results[index] = .failure(NetlinkError(operation: batch.operations[index], object: "", cause: error.cause))
                    }
                }
            }
            chunkStart = end
        }

        var chunkBytes = 0
        for index in 0..<batch.count {
            let length = batch.range(of: index).count
            if batch.oversized.contains(index) {
                // Never sent: cut the chunk around it; its sequence number goes unused.
                flush(upTo: index)
                chunkStart = index + 1
                chunkBytes = 0
                results[index] = .failure(
                    NetlinkError(
                        operation: batch.operations[index], object: "",
                        cause: .invalidArgument(
                            "an attribute is larger than netlink's 64 KiB limit")))
                continue
            }
            if chunkBytes > 0 && chunkBytes + length > maxBatchBytes {
                flush(upTo: index)
                chunkBytes = 0
            }
            batch.stamp(index, sequence: firstSequence &+ UInt32(index), portID: portID)
            chunkBytes += length
        }
        flush(upTo: batch.count)
        return results
    }

    private func drain(
        _ batch: NetlinkBatch, chunk: Range<Int>, baseSequence: UInt32,
        into results: inout [Result<[NetlinkMessage], NetlinkError>]
    ) throws(NetlinkError) {
        while true {
            let messages: [NetlinkMessage]
            do { messages = try receiveDatagram(operation: batch.operations[chunk.lowerBound], object: "", blocking: false) } catch
                where error.cause == .timedOut
            { return }  // EAGAIN: the queue is empty
            for message in messages {
                let index = Int(message.sequence &- baseSequence)
                guard chunk.contains(index) else { continue }
                if message.type == NetlinkConstants.error {
                    let (errno, _, text) = try decodeError(message, operation: batch.operations[index], object: "")
                    if errno != 0 {
                        results[index] = .failure(
                            NetlinkError(
                                operation: batch.operations[index], object: "",
                                cause: .kernel(errno: errno, message: text)))
                    }
                } else if case .success(var replies) = results[index] {
                    replies.append(message)
                    results[index] = .success(replies)
                }
            }
        }
    }

    /// Reads and drops everything queued, and the pending overflow error
    /// with it. After an overflow the queue still holds replies to requests
    /// the caller has given up on; while it is full, a new dump cannot even
    /// start (the kernel fails it with ENOBUFS at once), so a resync must
    /// begin here. Returns how many datagrams were dropped.
    @discardableResult
    public func discardPending() -> Int {
        var dropped = 0
        while true {
            do {
                _ = try receiveDatagram(operation: "discard", object: "", blocking: false)
                dropped += 1
            } catch  where error.cause == .resyncNeeded {
                continue  // the overflow itself, reported once
            } catch {
                return dropped  // EAGAIN: empty
            }
        }
    }

    // MARK: Low level

    /// A request whose attribute overflowed netlink's 16-bit length cannot
    /// be sent; say so instead of letting the kernel misparse it.
    static func checkSize(_ request: NetlinkRequest) throws(NetlinkError) {
        if request.body.overflowed || request.encodedLength > Int(UInt32.max) {
            throw NetlinkError(
                operation: request.operation, object: request.object,
                cause: .invalidArgument(
                    "an attribute is larger than netlink's 64 KiB limit"))
        }
    }

    private func allocateSequence(count: UInt32 = 1) -> UInt32 {
        if nextSequence == 0 || nextSequence &+ count < nextSequence { nextSequence = 1 }
        let sequence = nextSequence
        nextSequence &+= count
        return sequence
    }

    private func send(_ bytes: [UInt8], for request: NetlinkRequest) throws(NetlinkError) {
        try send(bytes[...], operation: request.operation, object: request.object)
    }

    private func send(_ bytes: ArraySlice<UInt8>, operation: String, object: @autoclosure () -> String = "") throws(NetlinkError) {
        while true {
            let sent = bytes.withUnsafeBytes { mnl_socket_sendto(handle, $0.baseAddress, $0.count) }
            if sent >= 0 { return }
            let err = cnetlink_errno()
            if err == EINTR { continue }
            throw NetlinkError(operation: operation, object: object(), cause: .system(call: "sendmsg", errno: err))
        }
    }

    /// Receives one datagram and splits it into messages. Non-blocking mode
    /// reports an empty queue as `.timedOut`.
    public func receiveDatagram(for request: NetlinkRequest, blocking: Bool) throws(NetlinkError) -> [NetlinkMessage] {
        try receiveDatagram(operation: request.operation, object: request.object, blocking: blocking)
    }

    func receiveDatagram(operation: String, object: @autoclosure () -> String, blocking: Bool) throws(NetlinkError) -> [NetlinkMessage] {
        while true {
            let fd = mnl_socket_get_fd(handle)
            let flags = blocking ? Int32(0) : Int32(MSG_DONTWAIT)
            let received = receiveBuffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, flags | Int32(MSG_TRUNC)) }
            if received < 0 {
                let err = cnetlink_errno()
                switch err {
                case EINTR: continue
                case EAGAIN: throw NetlinkError(operation: operation, object: object(), cause: .timedOut)
                case ENOBUFS: throw NetlinkError(operation: operation, object: object(), cause: .resyncNeeded)
                default: throw NetlinkError(operation: operation, object: object(), cause: .system(call: "recv", errno: err))
                }
            }
            if received > receiveBuffer.count {
                // The datagram did not fit: grow and report; the kernel has already dropped it.
                receiveBuffer = [UInt8](repeating: 0, count: received)
                throw NetlinkError(operation: operation, object: object(), cause: .resyncNeeded)
            }
            let datagram = Array(receiveBuffer[0..<received])
            do { return try NetlinkMessage.split(datagram[...]) } catch {
                throw NetlinkError(operation: operation, object: object(), cause: .malformedReply(error))
            }
        }
    }

    private func decodeError(_ message: NetlinkMessage, for request: NetlinkRequest) throws(NetlinkError) -> (Int32, UInt32, String?) {
        try decodeError(message, operation: request.operation, object: request.object)
    }

    private func decodeError(_ message: NetlinkMessage, operation: String, object: @autoclosure () -> String) throws(NetlinkError) -> (
        Int32, UInt32, String?
    ) {
        do { return try message.errorPayload() } catch {
            throw NetlinkError(operation: operation, object: object(), cause: .malformedReply(error))
        }
    }
}
