import Testing

@testable import VTEPOffload

/// The per-port token bucket in front of the upcall queue.
@Suite struct UpcallRateLimiterTests {
    @Test func aFloodingPortIsLimitedAndTheOthersAreNot() {
        var limiter = UpcallRateLimiter(rate: 100, burst: 10)
        let start = ContinuousClock.now
        var admitted = 0
        for _ in 0..<50 where limiter.admit(port: 1, now: start) { admitted += 1 }
        #expect(admitted == 10)
        let otherPort = limiter.admit(port: 2, now: start)
        #expect(otherPort)
        admitted = 0
        for _ in 0..<50 where limiter.admit(port: 1, now: start + .milliseconds(100)) { admitted += 1 }
        #expect(admitted == 10)
    }
}
