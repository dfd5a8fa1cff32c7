/// The multicast destinations *other than* some specific ones, as
/// disjoint masked matches.
///
/// The kernel datapath has no priorities: two flows whose matches overlap
/// may each be picked, so a flow for one multicast MAC cannot sit beside
/// the flood flow for "any multicast" (`eth(dst=01:00:00:00:00:00/01:00:00:00:00:00)`).
/// The flood is cut around the specific MACs instead, the way OVS cuts a
/// megaflow: walk the 47 bits after the group bit; wherever an excluded
/// MAC's branch of the bit tree leaves a sibling with no excluded MAC in
/// it, that sibling is one masked match. One excluded MAC costs 47
/// matches, each further one at most 47 more (fewer when they share a
/// prefix).
public enum MulticastCover {
    /// A masked destination: `value` under `mask`, both 6 bytes.
    public struct Match: Hashable, Sendable {
        /// The address bits that must match.
        public var value: [UInt8]
        /// Which bits of `value` are matched (1) or wildcarded (0).
        public var mask: [UInt8]
    }

    /// Every multicast address except `excluded`, as disjoint matches; with
    /// nothing excluded, the one group-bit match. Unicast addresses in
    /// `excluded` are ignored (they are not in the set to cover).
    public static func matches(excluding excluded: Set<EthernetAddress>) -> [Match] {
        let groupBit: UInt64 = 1 << 40
        let values = excluded.map(\.bits).filter { $0 & groupBit != 0 }
        // The group bit is fixed; the others are walked from the top.
        let order = (0..<48).reversed().filter { $0 != 40 }
        var result: [Match] = []
        func walk(_ depth: Int, value: UInt64, mask: UInt64, excluded: [UInt64]) {
            guard !excluded.isEmpty else {
                result.append(Match(value: bytes(value), mask: bytes(mask)))
                return
            }
            // Every bit fixed: this address is one of the excluded.
            guard depth < order.count else { return }
            let bit: UInt64 = 1 << UInt64(order[depth])
            for side in [0, bit] {
                walk(depth + 1, value: value | side, mask: mask | bit, excluded: excluded.filter { $0 & bit == side })
            }
        }
        walk(0, value: groupBit, mask: groupBit, excluded: values)
        return result
    }

    private static func bytes(_ value: UInt64) -> [UInt8] { (0..<6).map { UInt8(truncatingIfNeeded: value >> UInt64(40 - 8 * $0)) } }
}

extension EthernetAddress {
    /// The address as a 48-bit number, first byte highest.
    var bits: UInt64 { bytes.reduce(0) { $0 << 8 | UInt64($1) } }
}
