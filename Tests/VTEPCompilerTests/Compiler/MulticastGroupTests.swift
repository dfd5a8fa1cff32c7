import TestSupport
import Testing

@testable import OVSDB
@testable import OVSDatapathCore
@testable import VTEPCompiler
@testable import VTEPModel

/// Mcast_Macs_Remote rows for specific multicast MACs, and locators with a
/// tunnel_key of their own: rows a controller may write that vtep-kdp
/// once ignored.
@Suite struct MulticastGroupTests {
    typealias Seed = SeedScenario
    static let group = "01:00:5e:00:00:fb"

    func text(_ state: DesiredDatapathState) -> [String] { VTEPCompilerTests().text(state) }

    /// The seed, plus remote MAC 00:11:22:33:44:66 behind 10.2.2.9 with `tunnel_key` `keyed`.
    static func compileWithRemoteMACBehindLocator(keyed key: Int) -> DesiredDatapathState {
        var seed = Seed()
        var row = VTEPUcastMac<VTEPRemote>()
        row.mac = "00:11:22:33:44:66"
        row.logicalSwitch = seed.ls0
        row.locator = seed.keyedLocator("10.2.2.9", key: key)
        seed.db.ucastMacsRemote.set(seed.uuid(), row)
        return seed.compile()
    }

    @Test func aMulticastMACWithARowGoesToItsLocatorsAndTheFloodAvoidsIt() {
        var seed = Seed()
        seed.addMcastRemote(["10.2.2.7", "10.2.2.8"], mac: Self.group)
        var ls = seed.db.logicalSwitches[seed.ls0]!
        ls.replicationMode = "source_node"
        seed.db.logicalSwitches.set(seed.ls0, ls)
        let state = seed.compile()
        #expect(state.problems.isEmpty && state.switchFaults.isEmpty)
        let flows = text(state)
        #expect(
            flows.contains(
                "recirc_id(0x1000021),in_port(1),eth(dst=01:00:5e:00:00:fb), actions:set(tunnel(tun_id=0x21,src=10.2.2.1,dst=10.2.2.7,ttl=64,flags(df|key))),3,set(tunnel(tun_id=0x21,src=10.2.2.1,dst=10.2.2.8,ttl=64,flags(df|key))),3"
            ))
        // The flood from p0 is cut into 47 parts around the group, each to unknown-dst's 10.2.2.2 only.
        // (The last part fixes every bit: it prints as an exact address.)
        let floodParts = flows.filter {
            $0.hasPrefix("recirc_id(0x1000021),in_port(1),eth(dst=")
                && !$0.hasPrefix("recirc_id(0x1000021),in_port(1),eth(dst=\(Self.group))")
        }
        #expect(floodParts.count == 47)
        #expect(floodParts.allSatisfy { $0.hasSuffix("actions:set(tunnel(tun_id=0x21,src=10.2.2.1,dst=10.2.2.2,ttl=64,flags(df|key))),3") })
        #expect(!flows.contains { $0.contains("eth(dst=01:00:00:00:00:00/01:00:00:00:00:00)") && $0.contains("in_port(1)") })
        // The group's senders are admitted like any locator of the switch.
        #expect(state.tunnelSources[33]?.contains([10, 2, 2, 7]) == true)
        #expect(FlowOverlap.pairs(Array(state.flows.values)).isEmpty)
    }

    @Test func theCutCoversEveryOtherMulticastAddressExactlyOnce() {
        let groups: Set<EthernetAddress> = [
            EthernetAddress("01:00:5e:00:00:fb")!, EthernetAddress("01:00:5e:00:00:fc")!, EthernetAddress("33:33:00:00:00:01")!,
            EthernetAddress("ff:ff:ff:ff:ff:ff")!,
        ]
        let parts = MulticastCover.matches(excluding: groups)
        func covering(_ mac: EthernetAddress) -> Int {
            parts.filter { part in (0..<6).allSatisfy { (mac.bytes[$0] ^ part.value[$0]) & part.mask[$0] == 0 } }.count
        }
        for group in groups { #expect(covering(group) == 0) }
        var walk = SplitMix64(state: 7)
        for _ in 0..<2_000 {
            var bytes = (0..<6).map { _ in UInt8(truncatingIfNeeded: walk.next()) }
            bytes[0] |= 1
            let mac = EthernetAddress(bytes)
            #expect(covering(mac) == (groups.contains(mac) ? 0 : 1), "\(mac)")
        }
        var unicast = (0..<6).map { _ in UInt8(truncatingIfNeeded: walk.next()) }
        unicast[0] &= 0xfe
        #expect(covering(EthernetAddress(unicast)) == 0)
        #expect(parts.count <= 47 * groups.count)
        #expect(MulticastCover.matches(excluding: []).map(\.value) == [[1, 0, 0, 0, 0, 0]])
    }

    @Test func aMulticastRowWithAUnicastMACIsReportedNotForwarded() {
        var seed = Seed()
        seed.addMcastRemote(["10.2.2.7"], mac: "02:00:00:00:00:09")
        let state = seed.compile()
        #expect(state.switchFaults == ["unspecified_fault"])
        #expect(state.problems.contains { $0.contains("02:00:00:00:00:09") })
        #expect(!text(state).contains { $0.contains("dst=10.2.2.7") })
    }

    @Test func aLocatorKeyedToAnotherVNIIsRefusedAloudAndNeverSentTo() {
        let state = Self.compileWithRemoteMACBehindLocator(keyed: 5000)
        #expect(state.switchFaults == ["unspecified_fault"])
        #expect(state.problems.contains { $0.contains("tunnel_key 5000") && $0.contains("00:11:22:33:44:66") })
        #expect(!text(state).contains { $0.contains("dst=10.2.2.9") })
    }

    @Test func aLocatorKeyedToTheSwitchsOwnVNIIsUsed() {
        let state = Self.compileWithRemoteMACBehindLocator(keyed: 33)
        #expect(state.switchFaults.isEmpty)
        #expect(
            text(state).contains(
                "recirc_id(0x1000021),eth(dst=00:11:22:33:44:66), actions:set(tunnel(tun_id=0x21,src=10.2.2.1,dst=10.2.2.9,ttl=64,flags(df|key))),3"
            ))
    }

    @Test func anUnknownDstLocatorKeyedToAnotherVNIIsNotFloodedTo() {
        var seed = Seed()
        var set = VTEPPhysicalLocatorSet()
        set.locators = [seed.keyedLocator("10.2.2.9", key: 5000)]
        let setID = seed.uuid()
        seed.db.locatorSets.set(setID, set)
        var row = VTEPMcastMac<VTEPRemote>()
        row.mac = "unknown-dst"
        row.logicalSwitch = seed.ls0
        row.locatorSet = setID
        seed.db.mcastMacsRemote.set(seed.uuid(), row)
        let state = seed.compile()
        #expect(state.switchFaults == ["unspecified_fault"])
        #expect(state.problems.contains { $0.contains("tunnel_key 5000") })
        #expect(!text(state).contains { $0.contains("10.2.2.9") })
    }
}
