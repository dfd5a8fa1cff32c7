import OVSDatapathCore

/// How many per-frame lines the log may take over time: a token bucket of
/// lines. `UpcallBatchLog` keeps one batch short; this keeps a flood of
/// small batches (a host sending 2,000 new sources a second arrives as many
/// batches of a few) from writing a line per frame for as long as it lasts.
/// Lines refused are counted and said in one line when the budget allows.
struct LogLineBudget {
    /// Lines per second, and the most that may go at once.
    let rate: Double
    let burst: Double
    private var tokens: Double
    private var refilled: ContinuousClock.Instant
    /// Lines refused since the last one that went out.
    private(set) var suppressed = 0

    init(rate: Double = 20, burst: Double = 100, now: ContinuousClock.Instant = .now) {
        self.rate = rate
        self.burst = burst
        tokens = burst
        refilled = now
    }

    /// Whether one more line may be logged now; a refused one is counted
    /// unless it is the report of the count itself (`counted: false`).
    mutating func take(counted: Bool = true, now: ContinuousClock.Instant = .now) -> Bool {
        tokens = min(burst, tokens + (now - refilled).inSeconds * rate)
        refilled = now
        guard tokens >= 1 else {
            if counted { suppressed += 1 }
            return false
        }
        tokens -= 1
        return true
    }

    /// The count of lines refused since the last report, and zero it.
    mutating func takeSuppressed() -> Int {
        defer { suppressed = 0 }
        return suppressed
    }
}
