/// A token bucket per datapath port: a port flooding new MACs (or any
/// miss) gets `rate` upcalls a second handled, the rest dropped, so one
/// port cannot starve the daemon or the other ports.
public struct UpcallRateLimiter: Sendable {
    /// Upcalls a second each port may have handled in the long run: the
    /// bucket's refill rate.
    public var rate: Double
    /// The bucket's size: how many upcalls a port that was quiet may have
    /// handled at once.
    public var burst: Double
    private var buckets: [UInt32: TokenBucket] = [:]

    /// A limiter that lets each port have `rate` upcalls a second handled, in
    /// bursts of up to `burst`; 2,000 of each by default.
    public init(rate: Double = 2_000, burst: Double = 2_000) {
        self.rate = rate
        self.burst = burst
    }

    /// Whether an upcall from `port` may be handled now.
    public mutating func admit(port: UInt32, now: ContinuousClock.Instant = .now) -> Bool {
        var bucket = buckets[port] ?? TokenBucket(rate: rate, burst: burst, now: now)
        let admitted = bucket.take(now: now)
        buckets[port] = bucket
        return admitted
    }
}
