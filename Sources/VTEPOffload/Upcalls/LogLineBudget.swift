/// How many per-frame lines the log may take over time: a token bucket of
/// lines. `UpcallBatchLog` keeps one batch short; this keeps a flood of
/// small batches (a host sending 2,000 new sources a second arrives as many
/// batches of a few) from writing a line per frame for as long as it lasts.
/// Lines refused are counted and said in one line when the budget allows.
struct LogLineBudget {
    private var bucket: TokenBucket
    /// Lines a second in the long run.
    var rate: Double { bucket.rate }
    /// Lines refused since the last one that went out.
    private(set) var suppressed = 0

    init(rate: Double = 20, burst: Double = 100, now: ContinuousClock.Instant = .now) {
        bucket = TokenBucket(rate: rate, burst: burst, now: now)
    }

    /// Whether one more line may be logged now; a refused one is counted
    /// unless it is the report of the count itself (`counted: false`).
    mutating func take(counted: Bool = true, now: ContinuousClock.Instant = .now) -> Bool {
        guard bucket.take(now: now) else {
            if counted { suppressed += 1 }
            return false
        }
        return true
    }

    /// The count of lines refused since the last report, and zero it.
    mutating func takeSuppressed() -> Int {
        defer { suppressed = 0 }
        return suppressed
    }
}
