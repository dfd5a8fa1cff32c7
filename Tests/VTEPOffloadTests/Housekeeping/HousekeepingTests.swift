import OVSDatapathNL
import Testing

@testable import OVSDatapathCore
@testable import VTEPCompiler
@testable import VTEPOffload

/// Binding statistics that outlive their flows, and idle times from `used`.
@Suite struct HousekeepingTests {
    static let p0 = PortVLAN(port: "p0", vlan: 0), p1 = PortVLAN(port: "p1", vlan: 0)

    func compiled(_ identity: String, from: PortVLAN? = nil, to: [PortVLAN] = []) -> (FlowUFID, CompiledFlow) {
        let ufid = FlowUFID(deriving: identity)
        return (ufid, CompiledFlow(identity: identity, flow: Flow(key: [], actions: [], ufid: ufid), countsFrom: from, countsTo: to))
    }

    @Test func countersSurviveTheirFlowsAndCountFramesSentOnFromUserspace() {
        let (ingress, ingressFlow) = compiled("s1 p0 src", from: Self.p0)
        let (flood, floodFlow) = compiled("tun flood", to: [Self.p0, Self.p1])
        let flows = [ingress: ingressFlow, flood: floodFlow]
        var statistics = BindingStatistics()
        statistics.addSentOn(ingressFlow, bytes: 98)  // the first frame, sent on after the miss
        statistics.update(dump: [ingress: FlowStats(packets: 3, bytes: 300), flood: FlowStats(packets: 2, bytes: 120)], flows: flows)
        statistics.update(dump: [ingress: FlowStats(packets: 5, bytes: 500), flood: FlowStats(packets: 2, bytes: 120)], flows: flows)
        #expect(statistics.totals[Self.p0]?.packetsFromLocal == 6 && statistics.totals[Self.p0]?.bytesFromLocal == 598)
        #expect(statistics.totals[Self.p0]?.packetsToLocal == 2 && statistics.totals[Self.p1]?.bytesToLocal == 120)
        // The ingress flow goes (aged out): its counts stay. It comes back from zero: they add up.
        statistics.update(dump: [flood: FlowStats(packets: 4, bytes: 240)], flows: flows)
        #expect(statistics.totals[Self.p0]?.packetsFromLocal == 6)
        statistics.update(dump: [ingress: FlowStats(packets: 1, bytes: 100), flood: FlowStats(packets: 4, bytes: 240)], flows: flows)
        #expect(statistics.totals[Self.p0]?.packetsFromLocal == 7 && statistics.totals[Self.p0]?.bytesFromLocal == 698)
        #expect(statistics.totals[Self.p1]?.packetsToLocal == 4)
        // A flow that changes roles (an unknown destination became a local MAC) keeps what it counted so far where it was.
        var moved = floodFlow
        moved.countsTo = [Self.p1]
        statistics.update(
            dump: [ingress: FlowStats(packets: 1, bytes: 100), flood: FlowStats(packets: 6, bytes: 360)],
            flows: [ingress: ingressFlow, flood: moved])
        #expect(statistics.totals[Self.p0]?.packetsToLocal == 4)
        #expect(statistics.totals[Self.p1]?.packetsToLocal == 4)
        statistics.update(
            dump: [ingress: FlowStats(packets: 1, bytes: 100), flood: FlowStats(packets: 9, bytes: 540)],
            flows: [ingress: ingressFlow, flood: moved])
        #expect(statistics.totals[Self.p0]?.packetsToLocal == 4 && statistics.totals[Self.p1]?.packetsToLocal == 7)
    }

    /// A flow that changed roles (its counters then start from a baseline)
    /// and was deleted and made again between two reads, with more packets
    /// but fewer bytes than that baseline: the subtraction wrapped and the
    /// next addition trapped. Now each total only grows, and saturates.
    @Test func aFlowRemadeBetweenTwoReadsNeverTrapsAndTotalsOnlyGrow() {
        let (flood, floodFlow) = compiled("tun flood", to: [Self.p0])
        let (deliver, deliverFlow) = compiled("tun deliver", to: [Self.p1])  // a second flow into p1: totals add up
        var moved = floodFlow
        moved.countsTo = [Self.p1]
        var statistics = BindingStatistics()
        var last: [PortVLAN: BindingCounters] = [:]
        func read(_ packets: UInt64, _ bytes: UInt64, _ flow: CompiledFlow) {
            statistics.update(
                dump: [flood: FlowStats(packets: packets, bytes: bytes), deliver: FlowStats(packets: 1, bytes: 100)],
                flows: [flood: flow, deliver: deliverFlow])
            for (place, counters) in statistics.totals {
                let before = last[place] ?? BindingCounters()
                #expect(counters.packetsToLocal >= before.packetsToLocal && counters.bytesToLocal >= before.bytesToLocal, "\(place)")
            }
            last = statistics.totals
        }
        read(100, 10_000, floodFlow)
        read(100, 10_000, moved)  // roles changed: the baseline is 100 / 10,000
        read(120, 5_000, moved)  // deleted and made again between the reads
        read(130, 6_000, moved)
        #expect(statistics.totals[Self.p0]?.packetsToLocal == 100 && statistics.totals[Self.p0]?.bytesToLocal == 10_000)
        #expect(statistics.totals[Self.p1]?.packetsToLocal == 131 && statistics.totals[Self.p1]?.bytesToLocal == 6_100)
        // Near the top, the counters stop there instead of trapping.
        statistics.addSentOn(moved, bytes: Int.max)
        statistics.addSentOn(moved, bytes: Int.max)
        statistics.addSentOn(moved, bytes: Int.max)
        #expect(statistics.totals[Self.p1]?.bytesToLocal == .max)
    }

    @Test func idleTimeComesFromUsedOrFromWhenANeverUsedFlowWasFirstSeen() {
        let a = FlowUFID(deriving: "a"), b = FlowUFID(deriving: "b")
        var idleness = Idleness()
        idleness.update(dump: [a: FlowStats(packets: 1, usedMilliseconds: 9_000), b: FlowStats()], now: 10_000)
        #expect(idleness.idleMilliseconds([a]) == 1_000)
        #expect(idleness.idleMilliseconds([b]) == 0)
        idleness.update(dump: [a: FlowStats(packets: 1, usedMilliseconds: 9_000), b: FlowStats()], now: 14_000)
        #expect(idleness.idleMilliseconds([a]) == 5_000 && idleness.idleMilliseconds([b]) == 4_000)
        #expect(idleness.idleMilliseconds([a, b]) == 4_000)
        idleness.update(dump: [a: FlowStats(packets: 2, usedMilliseconds: 13_900)], now: 14_000)
        #expect(idleness.idleMilliseconds([a]) == 100 && idleness.idleMilliseconds([b]) == nil)
    }
}
