import BFD

/// What OVS's `forwarding_if_rx` and `decay_min_rx` read besides BFD
/// itself: when data and control packets last arrived from the remote,
/// and whether the session is in decay. Data is counted from the
/// remote's admission flows, as OVS counts a tunnel port's rx packets.
/// A value; times in microseconds on the owner's clock.
struct BFDTraffic: Equatable {
    /// The admission flows' packet count at the last read (nil before one).
    private(set) var dataPackets: UInt64?
    /// When the count last grew.
    private(set) var dataSeenAt: BFDTime?
    /// When a control packet last arrived.
    private(set) var bfdSeenAt: BFDTime?
    /// Whether min_rx is raised to decay_min_rx for want of data.
    private(set) var inDecay = false
    private var decayCheckAt: BFDTime?
    private var decayBaseline: UInt64?

    /// A control packet arrived.
    mutating func noteBFD(at now: BFDTime) { bfdSeenAt = now }

    /// The admission flows now count `total` packets (a recreated flow
    /// counts from zero again: a smaller total is a new baseline, not data).
    mutating func noteData(total: UInt64, at now: BFDTime) {
        if let dataPackets, total > dataPackets { dataSeenAt = now }
        if let baseline = decayBaseline, total < baseline { decayBaseline = total }
        dataPackets = total
    }

    /// OVS's rule: the path forwards while data arrived within the longer
    /// of the detection time and 2 s, and BFD within 100 × min_rx (a
    /// remote that stopped BFD altogether is not carried on data alone).
    func forwardingIfRx(at now: BFDTime, detectionTime: UInt64, minRxMicroseconds: UInt32) -> Bool {
        guard let dataSeenAt, let bfdSeenAt else { return false }
        return now < dataSeenAt + max(detectionTime, 2_000_000) && now < bfdSeenAt + 100 * UInt64(minRxMicroseconds)
    }

    /// Every max(decay_min_rx, 2 s) while the session is up: no data
    /// since the last check enters decay, data leaves it. Returns the new
    /// decay state when it changed; leaving Up ends decay at once.
    mutating func decayStep(at now: BFDTime, up: Bool, decayMilliseconds: UInt32) -> Bool? {
        guard decayMilliseconds > 0, up, let total = dataPackets else {
            decayCheckAt = nil
            decayBaseline = nil
            guard inDecay else { return nil }
            inDecay = false
            return false
        }
        let period = UInt64(max(decayMilliseconds, 2000)) * 1000
        guard let at = decayCheckAt, let baseline = decayBaseline else {
            decayCheckAt = now + period
            decayBaseline = total
            return nil
        }
        guard now >= at else { return nil }
        decayCheckAt = now + period
        decayBaseline = total
        let idle = total == baseline
        guard idle != inDecay else { return nil }
        inDecay = idle
        return idle
    }

    /// When `decayStep` next has something to do.
    var nextDecayCheck: BFDTime? { decayCheckAt }
}
