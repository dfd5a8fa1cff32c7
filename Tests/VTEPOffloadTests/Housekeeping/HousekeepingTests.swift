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

    /// Issue 20, point 11: a reading judged seconds after it was taken (a
    /// busy machine) found an active MAC idle, and it was aged out. What a
    /// reading finds idle is now read again before it is forgotten.
    @Test func aMACUsedSinceTheReadingIsKeptAndAnIdleOneStillGoes() throws {
        let active = LocalMAC(mac: EthernetAddress("aa:00:00:00:00:01")!, port: "p1", vlan: 0)
        let idle = LocalMAC(mac: EthernetAddress("aa:00:00:00:00:09")!, port: "p0", vlan: 0)
        var learned = LearnedState()
        for local in [active, idle] { _ = learned.apply(.learn(local, vni: 33, etherType: nil)) }
        let portNumbers = ["p0": UInt32(1), "p1": 2]
        let ufid = { (local: LocalMAC) in
            FlowUFID(deriving: FlowIdentity.ingress(port: portNumbers[local.port]!, source: local.mac))
        }
        let housekeeping = Housekeeping(agingTime: .seconds(4), logger: .init(label: "test"))
        // Taken at 10 s: both last used at 5 s, idle for 5 s > 4 s.
        let stale = FrameStatisticsReader.Reading(
            stats: [
                ufid(active): FlowStats(packets: 9, usedMilliseconds: 5_000), ufid(idle): FlowStats(packets: 1, usedMilliseconds: 5_000),
            ],
            takenAt: 10_000)
        // Read again at 12 s: the active MAC was used at 11.5 s.
        var asked: [FlowUFID] = []
        let forgotten = housekeeping.fold(
            .success(stale), flows: [:], learned: &learned, tunnelPort: 3, portNumbers: portNumbers,
            recheck: { ufids in
                asked = ufids
                return .success(
                    .init(
                        stats: [
                            ufid(active): FlowStats(packets: 12, usedMilliseconds: 11_500),
                            ufid(idle): FlowStats(packets: 1, usedMilliseconds: 5_000),
                        ], takenAt: 12_000))
            })
        #expect(Set(asked).isSuperset(of: [ufid(active), ufid(idle)]))
        #expect(forgotten == 1)
        #expect(learned.localMAC(active.mac, vni: 33) == active)
        #expect(learned.localMAC(idle.mac, vni: 33) == nil)

        // When the second read fails, nothing is forgotten on the old one.
        var again = LearnedState()
        _ = again.apply(.learn(active, vni: 33, etherType: nil))
        let none = housekeeping.fold(
            .success(stale), flows: [:], learned: &again, tunnelPort: 3, portNumbers: portNumbers,
            recheck: { _ in .failure(NetlinkError(operation: "get flow", object: "", cause: .system(call: "recv", errno: 4))) })
        #expect(none == 0 && again.localMAC(active.mac, vni: 33) == active)
    }
}
