import Testing

@testable import OVSDatapathCore
@testable import VTEPCompiler

/// A learned MAC's IPv4 addresses, from the ARP that taught it: which ARP
/// frames announce one, and how many a MAC keeps. Pure: no kernel.
@Suite struct AnnouncedAddressTests {
    static let vm1 = LearningTests.vm1
    static let broadcast = EthernetAddress("ff:ff:ff:ff:ff:ff")!

    /// An ARP upcall key: `struct ovs_key_arp` after the Ethernet header (inside the tag when tagged).
    static func arp(
        op: UInt16, sender: [UInt8], senderMAC: EthernetAddress = vm1, source: EthernetAddress = vm1, vlan: UInt16? = nil
    ) -> Upcall {
        let base = LearningTests.upcall(inPort: 1, source: source, destination: broadcast, vlan: vlan, etherType: 0x0806)
        let arp = FlowKeyAttribute(
            type: OVSKey.arp,
            bytes: sender + [10, 0, 0, 3] + FlowBuilder.be16(op) + senderMAC.bytes + [UInt8](repeating: 0, count: 6) + [0, 0])
        var key = base.key
        if vlan != nil, let encap = key.firstIndex(where: { $0.type == OVSKey.encap }) {
            key[encap] = FlowKeyAttribute(type: OVSKey.encap, nested: key[encap].children + [arp])
        } else {
            key.append(arp)
        }
        return Upcall(reason: .miss, datapathIfindex: 1, key: key, packet: [0])
    }

    @Test func requestsRepliesAndGratuitousARPAnnounceTheirSender() {
        #expect(MissClassifier.announcedIPv4(Self.arp(op: 1, sender: [10, 0, 0, 1])) == [10, 0, 0, 1])
        #expect(MissClassifier.announcedIPv4(Self.arp(op: 2, sender: [10, 0, 0, 1])) == [10, 0, 0, 1])
        #expect(MissClassifier.announcedIPv4(Self.arp(op: 1, sender: [10, 0, 0, 1], vlan: 10)) == [10, 0, 0, 1], "inside the tag")
    }

    @Test func framesThatSayNothingOfTheSourceAnnounceNothing() {
        #expect(MissClassifier.announcedIPv4(Self.arp(op: 1, sender: [0, 0, 0, 0])) == nil, "an ARP probe")
        #expect(MissClassifier.announcedIPv4(Self.arp(op: 3, sender: [10, 0, 0, 1])) == nil, "RARP request")
        #expect(MissClassifier.announcedIPv4(Self.arp(op: 1, sender: [224, 0, 0, 1])) == nil, "multicast")
        #expect(MissClassifier.announcedIPv4(Self.arp(op: 1, sender: [255, 255, 255, 255])) == nil, "broadcast")
        #expect(
            MissClassifier.announcedIPv4(Self.arp(op: 1, sender: [10, 0, 0, 1], senderMAC: LearningTests.other)) == nil,
            "proxied for another MAC")
        let ip = LearningTests.upcall(inPort: 1, source: Self.vm1, destination: Self.broadcast)
        #expect(MissClassifier.announcedIPv4(ip) == nil, "not ARP")
    }

    @Test func aLearnedMACKeepsItsNewestAddressesAndForgetsThemWithItself() {
        let (_, context) = LearningTests.seeded()
        var learned = LearnedState()
        let decision = MissClassifier.classify(Self.arp(op: 1, sender: [10, 0, 0, 1]), in: context)
        guard case .learn(let local, let vni, _) = decision else {
            Issue.record("not learned: \(decision)")
            return
        }
        func note(_ last: UInt8) -> Bool { learned.noteAddress([10, 0, 0, last], of: local.mac, vni: vni) }
        let beforeLearning = note(1)
        #expect(!beforeLearning, "no addresses for a MAC not learned")
        let change = learned.apply(decision)
        #expect(change == .added)
        let first = note(1), again = note(1)
        #expect(first)
        #expect(!again, "no news")
        for last in UInt8(2)...5 {
            let news = note(last)
            #expect(news)
        }
        #expect(learned.addresses(of: local.mac, vni: vni) == (2...5).map { [10, 0, 0, UInt8($0)] }, "the oldest gave way")
        #expect(learned.announcedAddresses.count == 1)

        // Moved, the MAC keeps its addresses; forgotten, it loses them.
        var moved = local
        moved.port = "p1"
        moved.vlan = 10
        _ = learned.apply(.learn(moved, vni: vni, etherType: nil))
        #expect(learned.addresses(of: local.mac, vni: vni).count == 4)
        learned.forget(local.mac, vni: vni)
        #expect(learned.addresses(of: local.mac, vni: vni).isEmpty)
        #expect(learned.announcedAddresses.isEmpty)
    }
}
