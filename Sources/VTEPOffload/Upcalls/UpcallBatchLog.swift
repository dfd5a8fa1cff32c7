/// What one batch of upcalls did, for the log: the first `detailed`
/// decisions are told one by one, the rest only counted, so a burst of
/// 10,000 new MACs is a handful of lines and not 10,000 (OVS rate-limits
/// the same kind of message for the same reason). Pure.
struct UpcallBatchLog {
    enum Outcome { case added, moved, unchanged, refused }

    let detailed: Int
    private(set) var counts: [Outcome: Int] = [:]
    /// Told one by one, and counted without being told though the log's
    /// level would have shown them.
    private(set) var told = 0
    private(set) var untold = 0

    init(detailed: Int = 20) { self.detailed = detailed }

    /// Counts an outcome; true if it should be logged itself. `shown`:
    /// whether the log's level shows this kind at all (hidden ones take
    /// nothing from the budget).
    mutating func note(_ outcome: Outcome, shown: Bool = true) -> Bool {
        counts[outcome, default: 0] += 1
        guard shown else { return false }
        guard told < detailed else { untold += 1; return false }
        told += 1
        return true
    }

    var total: Int { counts.values.reduce(0, +) }

    /// "2943 added, 391 unchanged": the kinds in a fixed order, none empty.
    var summary: String {
        [(Outcome.added, "added"), (.moved, "moved"), (.unchanged, "unchanged"), (.refused, "refused")]
            .compactMap { kind, word in counts[kind].map { "\($0) \(word)" } }
            .joined(separator: ", ")
    }
}
