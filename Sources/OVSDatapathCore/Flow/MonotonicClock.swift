#if canImport(Glibc)
import Glibc
#endif

/// The clock behind a flow's `used` time: the kernel reports it in
/// CLOCK_MONOTONIC milliseconds, so idle times are computed against this.
public enum MonotonicClock {
    /// Now, in CLOCK_MONOTONIC milliseconds: the clock of a flow's `used` time.
    public static func nowMilliseconds() -> UInt64 { nowNanoseconds() / 1_000_000 }
}

extension MonotonicClock {
    /// Now, in CLOCK_MONOTONIC nanoseconds.
    public static func nowNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
