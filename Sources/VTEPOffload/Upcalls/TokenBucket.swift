import OVSDatapathCore

/// A token bucket: `rate` tokens a second, at most `burst` saved up; each
/// `take` spends one. What bounds upcalls per port and log lines per second.
struct TokenBucket: Sendable {
    /// Tokens added a second.
    let rate: Double
    /// The most tokens the bucket holds (it starts full).
    let burst: Double
    private var tokens: Double
    private var refilled: ContinuousClock.Instant

    init(rate: Double, burst: Double, now: ContinuousClock.Instant = .now) {
        self.rate = rate
        self.burst = burst
        tokens = burst
        refilled = now
    }

    /// Refills for the time since the last call, then spends a token if
    /// there is one; says whether there was.
    mutating func take(now: ContinuousClock.Instant = .now) -> Bool {
        tokens = min(burst, tokens + (now - refilled).inSeconds * rate)
        refilled = now
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
