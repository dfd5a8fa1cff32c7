import BFD
import Dispatch
import Foundation
import Logging
import OVSDatapathCore
import OVSDatapathNL
import Synchronization
import VTEPCompiler

/// Runs BFD with every remote locator the compiler lists
/// (`CompileFindings.bfdTunnels`), on a thread of its own with a netlink
/// socket of its own: a pass that compiles 100,000 MACs, or a daemon
/// waiting for ovsdb-server, never delays a packet or a detection timer.
/// Control packets go out through the datapath (`OVS_PACKET_CMD_EXECUTE`:
/// into the tunnel with key 0, out of the VXLAN port); the remotes' come
/// in by the compiler's BFD flows as `userspace()` upcalls, which the
/// upcall listener hands to `deliver` on its own thread.
///
/// What it tells: `statuses` (for `bfd_status`, `vtep/status`, metrics)
/// and `changes`, a snapshot each time a session changes state — never per
/// packet — which the daemon turns into a pass (service-node choice) and a
/// write-back.
public final class TunnelHealthMonitor: @unchecked Sendable {
    /// Where the sessions run: the datapath, its VXLAN port, our tunnel IP
    /// and the tunnels to run BFD on. Given after every pass.
    public struct Layout: Equatable, Sendable {
        /// The datapath the packets go through.
        public var datapath: Datapath
        /// The VXLAN vport's number.
        public var tunnelPort: UInt32
        /// Our tunnel IP, 4 bytes.
        public var localIP: [UInt8]
        /// The remotes to run BFD with.
        public var tunnels: [BFDTunnel]
        /// Each remote's admission flows, whose counts are its data (see `BFDTunnel.dataFlows`).
        public var dataFlows: [[UInt8]: [FlowUFID]]

        /// A layout from its parts.
        public init(
            datapath: Datapath, tunnelPort: UInt32, localIP: [UInt8], tunnels: [BFDTunnel], dataFlows: [[UInt8]: [FlowUFID]] = [:]
        ) {
            self.datapath = datapath
            self.tunnelPort = tunnelPort
            self.localIP = localIP
            self.tunnels = tunnels
            self.dataFlows = dataFlows
        }
    }

    private struct Inbox {
        var layout: Layout?
        var received: [Upcall] = []
        var stopping = false
        var started = false
        /// A wake-up is signalled and not yet taken: more work waits for it.
        var wakePending = false
        var statuses: [[UInt8]: TunnelStatus] = [:]
    }

    private let inbox = Mutex(Inbox())
    private let wake = DispatchSemaphore(value: 0)
    private let connection: DatapathConnection
    private let logger: Logger
    private let finished = DispatchSemaphore(value: 0)

    /// Every session's status, by remote, each time one changes state.
    public let changes: AsyncStream<[[UInt8]: TunnelStatus]>
    private let changesContinuation: AsyncStream<[[UInt8]: TunnelStatus]>.Continuation

    // The thread's own.
    private var layout: Layout?
    private var peers: [[UInt8]: BFDPeer] = [:]
    private var published: [[UInt8]: TunnelStatus] = [:]
    private var nextDiscriminator = UInt32.random(in: 1...0x00ff_ffff)
    /// When the admission flows' counts are next read (forwarding_if_rx, decay_min_rx).
    private var nextDataRead: BFDTime = 0
    /// How often they are read: the kernel counts, we sample.
    static let dataReadInterval: BFDTime = 500_000
    /// Packets refused since the last log line, and when that was.
    private var refusedUnreported = 0
    private var lastRefusalLog: UInt64 = 0

    /// A monitor sending through `connection` (its own: the thread blocks on it).
    public init(connection: DatapathConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
        (changes, changesContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Every session's status now, by remote locator.
    public var statuses: [[UInt8]: TunnelStatus] { inbox.withLock { $0.statuses } }

    /// Starts the thread.
    public func start() {
        let first = inbox.withLock { inbox -> Bool in
            defer { inbox.started = true }
            return !inbox.started && !inbox.stopping
        }
        guard first else { return }
        let thread = Thread { [self] in
            run()
            finished.signal()
        }
        thread.name = "vtep-kdp bfd"
        thread.start()
    }

    /// Stops the thread (sessions just stop; the remotes time out, as
    /// with ovs-vswitchd stopped) and finishes `changes`.
    public func stop() {
        let (first, started) = inbox.withLock { inbox -> (Bool, Bool) in
            defer { inbox.stopping = true }
            return (!inbox.stopping, inbox.started)
        }
        guard first else { return }
        if started {
            wake.signal()
            finished.wait()
        }
        changesContinuation.finish()
    }

    /// Wakes the thread, once however many callers ask before it runs.
    private func wakeThread(_ inbox: inout Inbox) -> Bool {
        defer { inbox.wakePending = true }
        return !inbox.wakePending
    }

    /// The sessions to run, after a pass: new remotes get a session,
    /// changed settings reach theirs, remotes gone lose theirs.
    public func configure(_ layout: Layout) {
        let signal = inbox.withLock { inbox in
            inbox.layout = layout
            return wakeThread(&inbox)
        }
        if signal { wake.signal() }
    }

    /// A BFD upcall (the compiler's cookie), from the listener's thread.
    public func deliver(_ upcall: Upcall) {
        let signal = inbox.withLock { inbox in
            // Bounded like every queue of ours: a flood of key-0 frames cannot grow it.
            if inbox.received.count < 1024 { inbox.received.append(upcall) }
            return wakeThread(&inbox)
        }
        if signal { wake.signal() }
    }

    /// Whether `upcall` is one of ours (a `userspace()` action with BFD's cookie).
    public static func isBFD(_ upcall: Upcall) -> Bool {
        guard case .action(let userdata) = upcall.reason else { return false }
        return userdata.map { Array($0.prefix(BFDTunnel.upcallCookie.count)) } == BFDTunnel.upcallCookie
    }

    private static var now: BFDTime { MonotonicClock.nowNanoseconds() / 1000 }

    private func run() {
        while true {
            let (newLayout, received, stopping) = inbox.withLock { inbox in
                defer {
                    inbox.layout = nil
                    inbox.received.removeAll(keepingCapacity: true)
                    inbox.wakePending = false
                }
                return (inbox.layout, inbox.received, inbox.stopping)
            }
            if stopping { return }
            if let newLayout { apply(newLayout) }
            for upcall in received { receive(upcall) }
            readDataCounts()
            let sends = advance()
            // bfd_status changes with states (ours, the remote's, settling), not per packet.
            publishIfChanged()
            send(sends)
            var deadlines = peers.values.flatMap { [$0.session.nextDeadline, $0.settlesAt, $0.traffic.nextDecayCheck].compactMap { $0 } }
            if peers.values.contains(where: \.wantsDataCounts) { deadlines.append(nextDataRead) }
            // At least 1 ms: a deadline already past must not make the thread spin.
            let now = Self.now
            let deadline = deadlines.min() ?? .max
            let waitMicroseconds = deadline > now ? min(deadline - now, 1_000_000) : 0
            _ = wake.wait(timeout: .now() + .microseconds(Int(max(waitMicroseconds, 1000))))
        }
    }

    /// Brings the sessions in line with `new`.
    private func apply(_ new: Layout) {
        let now = Self.now
        if new.localIP != layout?.localIP, !peers.isEmpty {
            logger.info("bfd: our tunnel IP is now \(ipv4Text(new.localIP)); every session starts again")
            peers = [:]
        }
        layout = new
        let wanted = Dictionary(new.tunnels.map { ($0.remote, $0) }, uniquingKeysWith: { first, _ in first })
        for remote in peers.keys where wanted[remote] == nil {
            peers[remote] = nil
            logger.info("bfd: session with \(ipv4Text(remote)) ended (BFD disabled, or the locator is gone)")
        }
        for (remote, tunnel) in wanted.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            if peers[remote] != nil {
                if let change = peers[remote]!.update(tunnel, now: now) { note(change, remote) }
                continue
            }
            nextDiscriminator = nextDiscriminator == UInt32.max ? 1 : nextDiscriminator + 1
            let peer = BFDPeer(
                tunnel, localIP: new.localIP, discriminator: nextDiscriminator, sourcePort: UInt16.random(in: 49152...65535), now: now)
            for problem in peer.parameters.problems { logger.warning("bfd: \(ipv4Text(remote)): \(problem); using OVS's default") }
            peers[remote] = peer
            logger.info(
                "bfd: session with \(ipv4Text(remote)) started (min_tx \(peer.parameters.configuration.minTxMicroseconds / 1000) ms, min_rx \(peer.parameters.configuration.minRxMicroseconds / 1000) ms)"
            )
        }
    }

    /// Takes in one received frame.
    private func receive(_ upcall: Upcall) {
        let tunnel = upcall.key[type: OVSKey.tunnel]?.children
        guard let source = tunnel?[type: OVSTunnelKey.ipv4Source]?.bytes, let layout,
            tunnel?[type: OVSTunnelKey.ipv4Destination]?.bytes == layout.localIP, peers[source] != nil
        else { return refused("from no locator we run BFD with") }
        let frame: BFDFrame
        do {
            frame = try BFDFrame(bytes: upcall.packet)
        } catch {
            return refused("from \(ipv4Text(source)): \(error)")
        }
        let now = Self.now
        switch peers[source]!.session.receive(frame.packet, now: now) {
        case .discarded(let why): refused("from \(ipv4Text(source)): \(why)")
        case .accepted(let change):
            peers[source]!.noteBFD(at: now)
            if let change { note(change, source) }
        }
    }

    /// Samples the admission flows of the remotes whose settings read
    /// data (one batch of flow gets), at most every `dataReadInterval`.
    private func readDataCounts() {
        let now = Self.now
        guard let layout, now >= nextDataRead else { return }
        let wanting = peers.filter(\.value.wantsDataCounts).keys
        guard !wanting.isEmpty else { return }
        nextDataRead = now + Self.dataReadInterval
        var owners: [[UInt8]] = []
        var gets: [FlowOperation] = []
        for remote in wanting {
            for ufid in layout.dataFlows[remote] ?? [] {
                owners.append(remote)
                gets.append(.get(.ufid(ufid), omit: .allButStats))
            }
        }
        var totals = Dictionary(wanting.map { ($0, UInt64(0)) }, uniquingKeysWith: { first, _ in first })
        for (remote, result) in zip(owners, connection.execute(gets, in: layout.datapath)) {
            // A flow not there (yet, or any more) counts nothing.
            if case .success(let flow?) = result { totals[remote, default: 0] += flow.stats.packets }
        }
        for (remote, total) in totals { peers[remote]?.noteData(total: total, at: now) }
    }

    /// Counts a refused packet; logs at most one line a second about them.
    private func refused(_ why: String) {
        refusedUnreported += 1
        let now = MonotonicClock.nowMilliseconds()
        if now - lastRefusalLog >= 1000 {
            logger.debug("bfd: \(refusedUnreported) packet(s) refused; the last \(why)")
            refusedUnreported = 0
            lastRefusalLog = now
        }
    }

    /// Moves every session to now (a detection timeout takes one down);
    /// returns the frames due.
    private func advance() -> [DatapathConnection.PacketExecution] {
        guard let layout else { return [] }
        let now = Self.now
        var sends: [DatapathConnection.PacketExecution] = []
        for remote in peers.keys {
            if let change = peers[remote]!.applyDecay(at: now) { note(change, remote) }
            let step = peers[remote]!.session.advance(to: now, jitter: Double.random(in: 0..<1))
            if let change = step.change { note(change, remote) }
            let actions = BFDTunnel.transmitActions(localIP: layout.localIP, remote: remote, tunnelPort: layout.tunnelPort)
            for packet in step.packets {
                sends.append(.init(packet: peers[remote]!.frameBytes(packet), metadata: [], actions: actions))
            }
        }
        return sends
    }

    private func send(_ sends: [DatapathConnection.PacketExecution]) {
        guard !sends.isEmpty, let layout else { return }
        for case .failure(let error) in connection.execute(sends, in: layout.datapath) {
            // The next pass brings a recreated datapath; the session's next packet tries again.
            logger.debug("bfd: sending failed: \(error)")
            DaemonMetrics.kernelError(error)
        }
    }

    private func note(_ change: BFDSession.Change, _ remote: [UInt8]) {
        let line = "bfd: \(ipv4Text(remote)): \(change.from) → \(change.to) (\(change.diagnostic))"
        if change.to == .up || change.from == .up { logger.notice("\(line)") } else { logger.info("\(line)") }
    }

    private func publishIfChanged() {
        let now = Self.now
        var statuses: [[UInt8]: TunnelStatus] = [:]
        for remote in peers.keys { statuses[remote] = peers[remote]!.status(at: now) }
        guard statuses != published else { return }
        published = statuses
        inbox.withLock { $0.statuses = statuses }
        changesContinuation.yield(statuses)
    }
}
