/// Microseconds on a monotonic clock: the session's notion of time, given
/// by its owner, so the state machine is a pure value the tests drive.
public typealias BFDTime = UInt64

/// One BFD session in asynchronous mode (RFC 5880 §6), without
/// authentication, demand mode or echo. A value: its owner feeds it the
/// packets received (`receive`) and the passing of time (`advance`), and
/// sends what `advance` returns. Intervals are in microseconds.
public struct BFDSession: Sendable {
    /// What the session is asked to run at (from `bfd_params`/`bfd_config_*`).
    public struct Configuration: Equatable, Sendable {
        /// The fastest we wish to send (bfd.DesiredMinTxInterval).
        public var minTxMicroseconds: UInt32 = 100_000
        /// The fastest we can receive (bfd.RequiredMinRxInterval).
        public var minRxMicroseconds: UInt32 = 1_000_000
        /// Packets that may be missed before the remote declares us down.
        public var detectMultiplier: UInt8 = 3
        /// The session held in AdminDown (it tells the remote so).
        public var adminDown = false
        /// A configuration with OVS's defaults (min_tx 100 ms, min_rx 1 s).
        public init(minTxMicroseconds: UInt32 = 100_000, minRxMicroseconds: UInt32 = 1_000_000, detectMultiplier: UInt8 = 3) {
            self.minTxMicroseconds = minTxMicroseconds
            self.minRxMicroseconds = minRxMicroseconds
            self.detectMultiplier = detectMultiplier
        }
    }

    /// A state change, for the owner to report (`bfd_status`, a log line).
    public struct Change: Equatable, Sendable {
        /// The state before.
        public var from: BFDState
        /// The state after.
        public var to: BFDState
        /// The local diagnostic after the change.
        public var diagnostic: BFDDiagnostic
    }

    /// bfd.LocalDiscr: nonzero, unique among the owner's sessions.
    public let localDiscriminator: UInt32
    /// bfd.SessionState.
    public private(set) var state: BFDState
    /// Why the session last went down (bfd.LocalDiag).
    public private(set) var diagnostic: BFDDiagnostic = .none
    /// The remote's state, from its last packet (bfd.RemoteSessionState).
    public private(set) var remoteState: BFDState = .down
    /// The remote's diagnostic, from its last packet.
    public private(set) var remoteDiagnostic: BFDDiagnostic = .none
    /// bfd.RemoteDiscr: 0 until the remote is heard, and after a detection timeout.
    public private(set) var remoteDiscriminator: UInt32 = 0
    /// Times the session left Up.
    public private(set) var flaps = 0
    /// Whether a Poll Sequence is under way (new intervals not yet acknowledged).
    public var polling: Bool { polled != nil }

    /// The intervals in force (and being advertised, when no poll is on).
    public private(set) var configuration: Configuration
    /// New intervals advertised with Poll, waiting for the remote's Final.
    private var polled: Configuration?
    private var remoteMinRx: UInt32 = 1  // bfd.RemoteMinRxInterval starts at 1 (§6.8.1)
    private var remoteDesiredMinTx: UInt32 = 0
    private var remoteDetectMultiplier: UInt8 = 0
    private var lastReceived: BFDTime?
    private var nextTransmit: BFDTime
    private var finalDue = false

    /// A session starting Down (or AdminDown) at `now`; its first packet is due at once.
    public init(localDiscriminator: UInt32, configuration: Configuration = .init(), now: BFDTime) {
        precondition(localDiscriminator != 0, "bfd.LocalDiscr must be nonzero")
        self.localDiscriminator = localDiscriminator
        self.configuration = configuration
        state = configuration.adminDown ? .adminDown : .down
        if configuration.adminDown { diagnostic = .administrativelyDown }
        nextTransmit = now
    }

    /// Whether traffic may be sent over the path (OVS's `forwarding`):
    /// Up, and the remote reports no path problem of its own.
    public var forwarding: Bool {
        state == .up && ![.pathDown, .concatenatedPathDown, .reverseConcatenatedPathDown].contains(remoteDiagnostic)
    }

    /// What we advertise as Desired Min TX: never under a second while
    /// not Up (§6.8.3), so a session coming up costs little.
    private var advertisedMinTx: UInt32 {
        let wanted = (polled ?? configuration).minTxMicroseconds
        return state == .up ? wanted : max(wanted, 1_000_000)
    }

    /// How long we go between packets before jitter: our (in-force)
    /// Desired Min TX or the remote's Required Min RX, whichever is longer.
    /// During a poll an increase waits for the Final (§6.8.3).
    public var transmitInterval: UInt32 {
        var tx = state == .up ? configuration.minTxMicroseconds : max(configuration.minTxMicroseconds, 1_000_000)
        if let polled { tx = min(tx, polled.minTxMicroseconds) }
        return max(tx, remoteMinRx)
    }

    /// How long without a packet before the session goes down: the
    /// remote's Detect Mult times the longer of our Required Min RX and
    /// its Desired Min TX. During a poll a reduction of our Required Min
    /// RX waits for the Final (§6.8.3).
    public var detectionTime: UInt64 {
        var rx = configuration.minRxMicroseconds
        if let polled { rx = max(rx, polled.minRxMicroseconds) }
        return UInt64(remoteDetectMultiplier) * UInt64(max(rx, remoteDesiredMinTx))
    }

    /// When `advance` next has something to do: a packet to send or a detection timeout.
    /// A remote asking for no packets (Required Min RX 0) gets none but
    /// Finals, so the transmit time does not count then: without this an
    /// owner sleeping until the deadline would spin on a past one.
    public var nextDeadline: BFDTime {
        let transmit = remoteMinRx > 0 ? nextTransmit : BFDTime.max
        guard let lastReceived, state == .initializing || state == .up, remoteDetectMultiplier > 0 else { return transmit }
        return min(transmit, lastReceived + detectionTime + 1)
    }

    /// New intervals: while Up they are advertised with Poll and take
    /// effect as §6.8.3 says; otherwise at once. Admin down/up at once.
    public mutating func reconfigure(_ new: Configuration, now: BFDTime) -> Change? {
        var change: Change?
        if new.adminDown != configuration.adminDown {
            let from = state
            if new.adminDown {
                state = .adminDown
                diagnostic = .administrativelyDown
                if from == .up { flaps += 1 }
            } else {
                state = .down
            }
            change = Change(from: from, to: state, diagnostic: diagnostic)
            nextTransmit = now
        }
        let intervalsChanged =
            new.minTxMicroseconds != configuration.minTxMicroseconds || new.minRxMicroseconds != configuration.minRxMicroseconds
            || new.detectMultiplier != configuration.detectMultiplier
        if intervalsChanged, state == .up {
            var keep = new
            keep.adminDown = configuration.adminDown
            polled = keep
            configuration.adminDown = new.adminDown
            nextTransmit = now  // the Poll goes out now
        } else {
            configuration = new
            polled = nil
        }
        return change
    }

    /// What became of a received packet.
    public enum Reception: Equatable, Sendable {
        /// Not for this session (§6.8.6): the reason, for a debug line.
        case discarded(String)
        /// Taken in; the state changed if `change` is set.
        case accepted(change: Change?)
    }

    /// Takes in a received, decoded control packet (§6.8.6).
    public mutating func receive(_ packet: BFDControlPacket, now: BFDTime) -> Reception {
        if packet.yourDiscriminator != 0, packet.yourDiscriminator != localDiscriminator {
            return .discarded("Your Discriminator \(packet.yourDiscriminator) is not ours (\(localDiscriminator))")
        }
        if packet.yourDiscriminator == 0, packet.state != .down, packet.state != .adminDown {
            return .discarded("Your Discriminator is zero in state \(packet.state)")
        }
        remoteDiscriminator = packet.myDiscriminator
        remoteState = packet.state
        remoteDiagnostic = packet.diagnostic
        remoteMinRx = packet.requiredMinRxMicroseconds
        remoteDesiredMinTx = packet.desiredMinTxMicroseconds
        remoteDetectMultiplier = packet.detectMultiplier
        if packet.final, let polled {
            configuration.minTxMicroseconds = polled.minTxMicroseconds
            configuration.minRxMicroseconds = polled.minRxMicroseconds
            configuration.detectMultiplier = polled.detectMultiplier
            self.polled = nil
        }
        if packet.poll { finalDue = true }
        guard state != .adminDown else { return .discarded("the session is administratively down") }
        lastReceived = now
        let from = state
        switch (state, packet.state) {
        case (.down, .adminDown), (.adminDown, _): break
        case (_, .adminDown):
            state = .down
            diagnostic = .neighborSignaledSessionDown
        case (.down, .down): state = .initializing
        case (.down, .initializing): state = .up
        case (.initializing, .initializing), (.initializing, .up): state = .up
        case (.up, .down):
            state = .down
            diagnostic = .neighborSignaledSessionDown
        default: break
        }
        guard state != from else { return .accepted(change: nil) }
        if from == .up { flaps += 1 }
        if state == .up { nextTransmit = min(nextTransmit, now) }  // the faster rate starts now
        return .accepted(change: Change(from: from, to: state, diagnostic: diagnostic))
    }

    /// What `advance` produced: packets to send and a state change, if any.
    public struct Step: Equatable, Sendable {
        /// Control packets to send now, in order.
        public var packets: [BFDControlPacket] = []
        /// A state change the detection timer made.
        public var change: Change?
    }

    /// Moves the session to `now`: a detection timeout takes it down, and
    /// the packets due are returned. `jitter` in 0..<1 (a random number
    /// from the owner) shortens the next interval by up to a quarter
    /// (§6.8.7; 10–25% with a Detect Mult of 1).
    public mutating func advance(to now: BFDTime, jitter: Double) -> Step {
        var step = Step()
        if let lastReceived, state == .initializing || state == .up, remoteDetectMultiplier > 0, now > lastReceived + detectionTime {
            let from = state
            state = .down
            diagnostic = .controlDetectionTimeExpired
            remoteDiscriminator = 0
            remoteState = .down
            if from == .up { flaps += 1 }
            step.change = Change(from: from, to: .down, diagnostic: diagnostic)
            self.lastReceived = nil
        }
        if finalDue {
            finalDue = false
            var final = packet()
            final.poll = false
            final.final = true
            step.packets.append(final)
        }
        // A remote that asks for no packets (Required Min RX 0) gets only Finals.
        if now >= nextTransmit, remoteMinRx > 0 {
            if step.packets.isEmpty { step.packets.append(packet()) }
            let multiplier = configuration.detectMultiplier
            let cut = multiplier == 1 ? 0.10 + 0.15 * jitter : 0.25 * jitter
            let interval = Double(transmitInterval) * (1 - min(max(cut, 0), 0.25))
            nextTransmit = now + UInt64(interval)
        }
        return step
    }

    /// The control packet the session would send now.
    public func packet() -> BFDControlPacket {
        var packet = BFDControlPacket()
        packet.state = state
        packet.diagnostic = diagnostic
        packet.poll = polled != nil
        packet.detectMultiplier = (polled ?? configuration).detectMultiplier
        packet.myDiscriminator = localDiscriminator
        packet.yourDiscriminator = remoteDiscriminator
        packet.desiredMinTxMicroseconds = advertisedMinTx
        packet.requiredMinRxMicroseconds = (polled ?? configuration).minRxMicroseconds
        return packet
    }
}
