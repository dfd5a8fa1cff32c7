import BFD
import Testing

@testable import VTEPOffload

/// forwarding_if_rx and decay_min_rx as OVS defines them (issue 22,
/// point 1), on a clock the test drives (microseconds).
@Suite struct BFDTrafficTests {
    static let second: BFDTime = 1_000_000

    @Test func dataKeepsThePathForwardingOnlyWhileBFDIsStillHeard() {
        var traffic = BFDTraffic()
        let detection: UInt64 = 300_000, minRx: UInt32 = 100_000
        #expect(!traffic.forwardingIfRx(at: 0, detectionTime: detection, minRxMicroseconds: minRx), "nothing heard yet")
        traffic.noteBFD(at: 0)
        traffic.noteData(total: 10, at: 0)  // the first read is a baseline, not data
        #expect(!traffic.forwardingIfRx(at: 1, detectionTime: detection, minRxMicroseconds: minRx))
        traffic.noteData(total: 12, at: Self.second)
        // Data within max(detection, 2 s)…
        #expect(traffic.forwardingIfRx(at: Self.second + 1_900_000, detectionTime: detection, minRxMicroseconds: minRx))
        #expect(!traffic.forwardingIfRx(at: Self.second + 2_000_000, detectionTime: detection, minRxMicroseconds: minRx))
        // …and BFD within 100 × min_rx (10 s here).
        traffic.noteData(total: 20, at: 10 * Self.second)
        #expect(!traffic.forwardingIfRx(at: 10 * Self.second, detectionTime: detection, minRxMicroseconds: minRx))
        // A recreated flow counts from zero: not data.
        traffic.noteData(total: 0, at: 11 * Self.second)
        traffic.noteBFD(at: 11 * Self.second)
        #expect(!traffic.forwardingIfRx(at: 12 * Self.second + 1, detectionTime: detection, minRxMicroseconds: minRx))
    }

    @Test func noDataForAPeriodEntersDecayAndDataLeavesIt() {
        var traffic = BFDTraffic()
        #expect(traffic.decayStep(at: 0, up: true, decayMilliseconds: 3000) == nil, "no count read yet")
        traffic.noteData(total: 5, at: 0)
        #expect(traffic.decayStep(at: 0, up: true, decayMilliseconds: 3000) == nil, "the first check is set up")
        #expect(traffic.decayStep(at: 2 * Self.second, up: true, decayMilliseconds: 3000) == nil, "not due before 3 s")
        #expect(traffic.decayStep(at: 3 * Self.second, up: true, decayMilliseconds: 3000) == true, "3 s without data")
        #expect(traffic.inDecay)
        traffic.noteData(total: 9, at: 4 * Self.second)
        #expect(traffic.decayStep(at: 6 * Self.second, up: true, decayMilliseconds: 3000) == false, "data came")
        #expect(traffic.decayStep(at: 9 * Self.second, up: true, decayMilliseconds: 3000) == true)
        // Leaving Up ends decay at once; so does turning it off.
        #expect(traffic.decayStep(at: 9 * Self.second + 1, up: false, decayMilliseconds: 3000) == false)
        #expect(traffic.decayStep(at: 9 * Self.second + 2, up: false, decayMilliseconds: 3000) == nil)
        // A short decay_min_rx is checked every 2 s, as OVS does.
        #expect(traffic.decayStep(at: 10 * Self.second, up: true, decayMilliseconds: 500) == nil)
        #expect(traffic.decayStep(at: 11 * Self.second, up: true, decayMilliseconds: 500) == nil)
        #expect(traffic.decayStep(at: 12 * Self.second, up: true, decayMilliseconds: 500) == true)
    }
}
