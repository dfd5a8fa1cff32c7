import CNetlink

#if canImport(Glibc)
import Glibc
import OVSDatapathCore
#endif

/// Receives upcalls on its own sockets, one per handler, and hands them out
/// either synchronously (`receive(timeout:)`) or as an `AsyncStream` fed by a
/// dedicated thread (`start()`), so a blocking read never parks a task of
/// Swift's cooperative pool. Use one style or the other, not both.
///
/// Give `perCPUPIDs` to `createDatapath(upcalls: .perCPU(...))`: CPU `i`'s
/// upcalls go to handler `i % handlers`.
public final class UpcallListener: @unchecked Sendable {
    private let sockets: [NetlinkSocket]
    private let wakeFD: Int32
    private var buffer = [UInt8](repeating: 0, count: 256 * 1024)
    private var pending: [Upcall] = []
    private var thread: pthread_t?
    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var stopping = false

    /// Upcalls (and receive errors) once `start()` has been called.
    public let upcalls: AsyncStream<Result<Upcall, NetlinkError>>
    /// Where `userspace()` action upcalls go instead of `upcalls`, called
    /// on the receive thread (set it before `start()`). With per-CPU
    /// dispatch the kernel sends them to the miss sockets, whatever pid
    /// the action names; a consumer with deadlines of its own (BFD) takes
    /// them here, so they never queue behind a burst of misses.
    public var actionHandler: (@Sendable (Upcall) -> Void)?
    private let continuation: AsyncStream<Result<Upcall, NetlinkError>>.Continuation

    /// Opens one netlink socket per handler (at least one); nothing is received
    /// until `receive(timeout:)` or `start()`.
    /// - Throws: `NetlinkError` when a socket or the wake-up eventfd cannot be made.
    public init(handlers: Int = 1) throws(NetlinkError) {
        var sockets: [NetlinkSocket] = []
        for _ in 0..<max(1, handlers) { sockets.append(try NetlinkSocket(protocol: NETLINK_GENERIC)) }
        self.sockets = sockets
        wakeFD = cnetlink_eventfd(0, cnetlink_efd_cloexec() | cnetlink_efd_nonblock())
        guard wakeFD >= 0 else {
            throw NetlinkError(operation: "create upcall listener", object: "", cause: .system(call: "eventfd", errno: cnetlink_errno()))
        }
        pthread_mutex_init(lock, nil)
        // Bounded: a flood of misses drops the oldest instead of growing without limit.
        (upcalls, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(4096))
    }

    deinit {
        stop()
        close(wakeFD)
        pthread_mutex_destroy(lock)
        lock.deallocate()
    }

    /// The handler sockets' netlink port ids.
    public var portIDs: [UInt32] { sockets.map(\.portID) }

    /// One PID per possible CPU, handlers assigned round robin.
    public var perCPUPIDs: [UInt32] {
        let cpus = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_CONF))))
        return (0..<cpus).map { sockets[$0 % sockets.count].portID }
    }

    /// Waits up to `timeout` for the next upcall.
    public func receive(timeout: Duration) throws(NetlinkError) -> Upcall? {
        if !pending.isEmpty { return pending.removeFirst() }
        try pollOnce(timeoutMilliseconds: Int32(clamping: timeout.wholeMilliseconds))
        return pending.isEmpty ? nil : pending.removeFirst()
    }

    /// Starts the receive thread feeding `upcalls`.
    public func start() {
        guard thread == nil else { return }
        let unmanaged = Unmanaged.passRetained(self)
        var handle = pthread_t()
        let rc = pthread_create(
            &handle, nil,
            { argument in
                let listener = Unmanaged<UpcallListener>.fromOpaque(argument!).takeRetainedValue()
                listener.run()
                return nil
            }, unmanaged.toOpaque())
        if rc == 0 { thread = handle } else { unmanaged.release() }
    }

    /// Stops the receive thread and finishes the stream.
    public func stop() {
        pthread_mutex_lock(lock)
        let alreadyStopping = stopping
        stopping = true
        pthread_mutex_unlock(lock)
        guard !alreadyStopping else { return }
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
        if let thread, !pthread_equal(thread, pthread_self()).isTrue { pthread_join(thread, nil) }
        thread = nil
        continuation.finish()
    }

    private var isStopping: Bool {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return stopping
    }

    private func run() {
        while !isStopping {
            do {
                try pollOnce(timeoutMilliseconds: -1)
            } catch {
                continuation.yield(.failure(error))
            }
            for upcall in pending {
                if case .action = upcall.reason, let actionHandler { actionHandler(upcall) } else { continuation.yield(.success(upcall)) }
            }
            pending.removeAll(keepingCapacity: true)
        }
    }

    /// Polls every handler socket and the wake-up eventfd once, draining
    /// whatever is readable into `pending`.
    private func pollOnce(timeoutMilliseconds: Int32) throws(NetlinkError) {
        var fds = sockets.map { pollfd(fd: $0.fileDescriptor, events: Int16(POLLIN), revents: 0) }
        fds.append(pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0))
        let ready = poll(&fds, nfds_t(fds.count), timeoutMilliseconds)
        if ready < 0 {
            let err = cnetlink_errno()
            if err == EINTR { return }
            throw NetlinkError(operation: "wait for upcalls", object: "", cause: .system(call: "poll", errno: err))
        }
        for (index, socket) in sockets.enumerated() where fds[index].revents & Int16(POLLIN) != 0 {
            try drain(socket)
        }
    }

    private func drain(_ socket: NetlinkSocket) throws(NetlinkError) {
        while true {
            let received = buffer.withUnsafeMutableBytes { recv(socket.fileDescriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if received < 0 {
                let err = cnetlink_errno()
                if err == EAGAIN || err == EINTR { return }
                if err == ENOBUFS {
                    // Upcalls were dropped by the kernel; the next miss will come again.
                    throw NetlinkError(operation: "receive upcalls", object: "", cause: .resyncNeeded)
                }
                throw NetlinkError(operation: "receive upcalls", object: "", cause: .system(call: "recv", errno: err))
            }
            let datagram = Array(buffer[0..<received])
            do {
                for message in try NetlinkMessage.split(datagram[...]) where message.type != NetlinkConstants.error {
                    pending.append(try Upcall.decode(message))
                }
            } catch {
                throw NetlinkError(operation: "decode upcall", object: "", cause: .malformedReply(error))
            }
        }
    }
}

extension Int32 {
    fileprivate var isTrue: Bool { self != 0 }
}
