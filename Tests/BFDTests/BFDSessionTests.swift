import Testing

@testable import BFD

/// The session state machine against RFC 5880's transitions (§6.2,
/// §6.8.6), its timers (§6.8.2–§6.8.4, §6.8.7) and the Poll Sequence,
/// driven by hand-made packets and by two sessions talking to each other.
@Suite struct BFDSessionTests {
    static let ms: UInt64 = 1_000

    /// A packet from a remote with discriminator 77.
    static func remote(_ state: BFDState, yours: UInt32 = 1, diagnostic: BFDDiagnostic = .none) -> BFDControlPacket {
        var packet = BFDControlPacket()
        packet.state = state
        packet.diagnostic = diagnostic
        packet.myDiscriminator = 77
        packet.yourDiscriminator = yours
        packet.desiredMinTxMicroseconds = 100_000
        packet.requiredMinRxMicroseconds = 100_000
        return packet
    }

    static func session(_ configuration: BFDSession.Configuration = .init(minTxMicroseconds: 100_000, minRxMicroseconds: 100_000))
        -> BFDSession
    { BFDSession(localDiscriminator: 1, configuration: configuration, now: 0) }

    @Test func theThreeWayHandshakeFollowsTheStateDiagram() {
        // Down --Down--> Init --Up/Init--> Up
        var a = Self.session()
        #expect(
            a.receive(Self.remote(.down, yours: 0), now: 1) == .accepted(change: .init(from: .down, to: .initializing, diagnostic: .none)))
        #expect(a.receive(Self.remote(.up), now: 2) == .accepted(change: .init(from: .initializing, to: .up, diagnostic: .none)))
        // Down --Init--> Up
        var b = Self.session()
        #expect(b.receive(Self.remote(.initializing), now: 1) == .accepted(change: .init(from: .down, to: .up, diagnostic: .none)))
        // Init --Init--> Up
        var c = Self.session()
        _ = c.receive(Self.remote(.down, yours: 0), now: 1)
        #expect(c.receive(Self.remote(.initializing), now: 2) == .accepted(change: .init(from: .initializing, to: .up, diagnostic: .none)))
        // Down --Up--> stays Down (the remote must see us first).
        var d = Self.session()
        #expect(d.receive(Self.remote(.up), now: 1) == .accepted(change: nil))
        #expect(d.state == .down)
    }

    @Test func aRemoteAskingForNoPacketsLeavesNoPastDeadline() {
        // Down and told AdminDown: nothing to detect, nothing to send, no deadline at all.
        var idle = Self.session()
        var resting = Self.remote(.adminDown, yours: 0)
        resting.requiredMinRxMicroseconds = 0
        _ = idle.receive(resting, now: 10)
        #expect(idle.advance(to: 20, jitter: 0).packets.isEmpty && idle.nextDeadline == .max)
        // Init: the detection timer, never the transmit time already past.
        var session = Self.session()
        var quiet = Self.remote(.down, yours: 0)
        quiet.requiredMinRxMicroseconds = 0
        _ = session.receive(quiet, now: 10)
        #expect(session.advance(to: 20, jitter: 0).packets.isEmpty)
        #expect(session.state == .initializing && session.nextDeadline == 10 + session.detectionTime + 1)
        // Once Up, only the detection timer is left.
        var up = Self.remote(.initializing)
        up.requiredMinRxMicroseconds = 0
        _ = session.receive(up, now: 30)
        #expect(session.state == .up && session.nextDeadline == 30 + session.detectionTime + 1)
    }

    @Test func upGoesDownWhenTheRemoteSaysDownOrAdminDown() {
        for said in [BFDState.down, .adminDown] {
            var s = Self.session()
            _ = s.receive(Self.remote(.initializing), now: 1)
            #expect(s.state == .up)
            #expect(
                s.receive(Self.remote(said), now: 2)
                    == .accepted(change: .init(from: .up, to: .down, diagnostic: .neighborSignaledSessionDown)))
            #expect(s.flaps == 1)
        }
        // Init, told AdminDown, goes Down too; Down stays Down.
        var i = Self.session()
        _ = i.receive(Self.remote(.down, yours: 0), now: 1)
        #expect(
            i.receive(Self.remote(.adminDown), now: 2)
                == .accepted(change: .init(from: .initializing, to: .down, diagnostic: .neighborSignaledSessionDown)))
        var d = Self.session()
        #expect(d.receive(Self.remote(.adminDown), now: 2) == .accepted(change: nil))
    }

    @Test func packetsThatAreNotOursAreDiscarded() {
        var s = Self.session()
        guard case .discarded = s.receive(Self.remote(.down, yours: 5), now: 1) else {
            Issue.record("another session's discriminator")
            return
        }
        guard case .discarded = s.receive(Self.remote(.initializing, yours: 0), now: 1) else {
            Issue.record("Your Discriminator 0 outside Down/AdminDown")
            return
        }
        #expect(s.state == .down && s.remoteDiscriminator == 0)
    }

    @Test func adminDownSendsAdminDownAndIgnoresTheRemote() {
        var configuration = BFDSession.Configuration(minTxMicroseconds: 100_000, minRxMicroseconds: 100_000)
        configuration.adminDown = true
        var s = Self.session(configuration)
        #expect(s.state == .adminDown && s.diagnostic == .administrativelyDown)
        guard case .discarded = s.receive(Self.remote(.initializing), now: 1) else {
            Issue.record("AdminDown must discard")
            return
        }
        #expect(s.advance(to: 1, jitter: 0).packets.first?.state == .adminDown)
        configuration.adminDown = false
        #expect(s.reconfigure(configuration, now: 2) == .init(from: .adminDown, to: .down, diagnostic: .administrativelyDown))
        #expect(
            s.receive(Self.remote(.initializing), now: 3)
                == .accepted(change: .init(from: .down, to: .up, diagnostic: .administrativelyDown)))
    }

    @Test func silenceForTheDetectionTimeTakesTheSessionDown() {
        var s = Self.session()
        _ = s.receive(Self.remote(.initializing), now: 0)
        // Detect Mult 3 × max(our 100 ms, its 100 ms) = 300 ms.
        #expect(s.detectionTime == 300 * Self.ms)
        #expect(s.advance(to: 300 * Self.ms, jitter: 0).change == nil)
        let step = s.advance(to: 300 * Self.ms + 1, jitter: 0)
        #expect(step.change == .init(from: .up, to: .down, diagnostic: .controlDetectionTimeExpired))
        #expect(s.remoteDiscriminator == 0 && s.flaps == 1 && !s.forwarding)
        // A packet within the time keeps it up.
        var t = Self.session()
        _ = t.receive(Self.remote(.initializing), now: 0)
        _ = t.receive(Self.remote(.up), now: 250 * Self.ms)
        #expect(t.advance(to: 500 * Self.ms, jitter: 0).change == nil && t.state == .up)
    }

    @Test func intervalsFollowTheSlowerSideWithJitterAndASecondWhileNotUp() {
        var s = Self.session()
        // Not Up: Desired Min TX advertised and used is at least 1 s.
        #expect(s.packet().desiredMinTxMicroseconds == 1_000_000)
        #expect(s.transmitInterval == 1_000_000)
        _ = s.receive(Self.remote(.initializing), now: 0)
        #expect(s.packet().desiredMinTxMicroseconds == 100_000)
        // The remote can receive only every 250 ms: we send no faster.
        var slow = Self.remote(.up)
        slow.requiredMinRxMicroseconds = 250_000
        _ = s.receive(slow, now: 1)
        #expect(s.transmitInterval == 250_000)
        // Jitter: 75–100% of the interval (Detect Mult 3).
        _ = s.advance(to: 10 * Self.ms, jitter: 0)
        #expect(s.nextDeadline <= 10 * Self.ms + 250 * Self.ms)
        var next = s
        _ = next.advance(to: 10 * Self.ms, jitter: 0.999)
        var sent = 0
        for time in stride(from: 10 * Self.ms, through: 2_010 * Self.ms, by: Int(Self.ms)) {
            if time % (100 * Self.ms) == 0 { _ = next.receive(slow, now: time) }  // the remote keeps it Up
            sent += next.advance(to: time, jitter: 0.999).packets.count
        }
        // 2 s at 75% of 250 ms (plus or minus the edges).
        #expect((9...12).contains(sent), "\(sent) packets in 2 s")
    }

    @Test func aPollIsAnsweredWithAFinalAndNewIntervalsWaitForIt() {
        var s = Self.session()
        _ = s.receive(Self.remote(.initializing), now: 0)
        _ = s.advance(to: 0, jitter: 0)
        // min_tx 100 → 300 ms, min_rx 100 → 50 ms while Up: a Poll Sequence.
        var slower = s.configuration
        slower.minTxMicroseconds = 300_000
        slower.minRxMicroseconds = 50_000
        #expect(s.reconfigure(slower, now: 10 * Self.ms) == nil)
        #expect(s.polling)
        let poll = s.advance(to: 10 * Self.ms, jitter: 0).packets
        #expect(
            poll.count == 1 && poll[0].poll && poll[0].desiredMinTxMicroseconds == 300_000 && poll[0].requiredMinRxMicroseconds == 50_000)
        // Until the Final: the old (faster) TX and the old (longer) RX detection.
        #expect(s.transmitInterval == 100_000 && s.detectionTime == 300 * Self.ms)
        var final = Self.remote(.up)
        final.final = true
        _ = s.receive(final, now: 20 * Self.ms)
        #expect(!s.polling && s.transmitInterval == 300_000 && s.detectionTime == 3 * 100 * Self.ms)
        #expect(s.state == .up, "a parameter change never drops the session")
        // The remote polls us: the next packet carries Final, not Poll.
        var poll2 = Self.remote(.up)
        poll2.poll = true
        _ = s.receive(poll2, now: 30 * Self.ms)
        let answer = s.advance(to: 31 * Self.ms, jitter: 0).packets
        #expect(answer.first?.final == true && answer.first?.poll == false)
    }

    @Test func whileNotUpNewIntervalsApplyAtOnce() {
        var s = Self.session()
        var changed = s.configuration
        changed.minRxMicroseconds = 500_000
        _ = s.reconfigure(changed, now: 1)
        #expect(!s.polling && s.packet().requiredMinRxMicroseconds == 500_000)
    }

    /// Two sessions on a link that can be cut: they come up, stay up, go
    /// down within the detection time when it is cut, and come up again.
    @Test func twoSessionsComeUpStayUpAndDetectACut() {
        let fast = BFDSession.Configuration(minTxMicroseconds: 100_000, minRxMicroseconds: 100_000)
        var a = BFDSession(localDiscriminator: 11, configuration: fast, now: 0)
        var b = BFDSession(localDiscriminator: 22, configuration: fast, now: 0)
        var generator = SplitMix(seed: 5)
        var linkUp = true
        var aDownAt: UInt64?
        var aUpAt: UInt64?
        for time in stride(from: UInt64(0), through: 12_000 * Self.ms, by: Int(Self.ms)) {
            if time == 5_000 * Self.ms { linkUp = false }
            if time == 7_000 * Self.ms { linkUp = true }
            let fromA = a.advance(to: time, jitter: generator.unit()), fromB = b.advance(to: time, jitter: generator.unit())
            if fromA.change?.to == .down, aDownAt == nil { aDownAt = time }
            guard linkUp else { continue }
            for packet in fromA.packets { _ = b.receive(packet, now: time) }
            for packet in fromB.packets {
                if case .accepted(let change) = a.receive(packet, now: time), change?.to == .up, time > 7_000 * Self.ms { aUpAt = time }
            }
            if time == 4_900 * Self.ms { #expect(a.state == .up && b.state == .up && a.flaps == 0, "up before the cut") }
        }
        #expect(
            aDownAt.map { $0 > 5_000 * Self.ms && $0 <= 5_000 * Self.ms + 300 * Self.ms + Self.ms } == true,
            "down within 300 ms: \(String(describing: aDownAt))")
        #expect(a.diagnostic == .controlDetectionTimeExpired || a.state == .up)
        // Coming back takes the not-Up 1 s pace: within ~3 s.
        #expect(aUpAt.map { $0 < 10_000 * Self.ms } == true, "up again: \(String(describing: aUpAt))")
        #expect(a.state == .up && b.state == .up && a.forwarding)
    }
}

/// A small seeded generator for jitter.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func unit() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
    }
}
