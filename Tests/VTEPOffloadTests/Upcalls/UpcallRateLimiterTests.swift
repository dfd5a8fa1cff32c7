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

/// The log's budget of per-frame lines over time.
@Suite struct LogLineBudgetTests {
    /// A flood of single-frame batches gets the burst, then `rate` lines a
    /// second; the rest are counted, and the count's own report is not.
    @Test func aFloodOfLinesIsCutToTheRateAndCounted() {
        let start = ContinuousClock.now
        var budget = LogLineBudget(rate: 20, burst: 100, now: start)
        var logged = 0
        for i in 0..<2_000 where budget.take(now: start + .milliseconds(i)) { logged += 1 }  // 2,000 lines in 2 s
        #expect(logged == 100 + 39 || logged == 100 + 40, "the burst and 2 s at 20 a second: \(logged)")
        #expect(budget.suppressed == 2_000 - logged)
        let reportRefused = budget.take(counted: false, now: start + .milliseconds(2_000))
        #expect(!reportRefused)
        #expect(budget.suppressed == 2_000 - logged)
        let reportTaken = budget.take(counted: false, now: start + .milliseconds(2_100))
        #expect(reportTaken)
        let reported = budget.takeSuppressed()
        #expect(reported == 2_000 - logged && budget.suppressed == 0)
    }
}
