import Testing

@testable import OVSDB
@testable import OVSDatapathCore
@testable import VTEPCompiler

/// The memo of local MACs' flows across passes: a pass gets what building
/// the flows afresh gives, and after the pass the memo holds exactly the
/// MACs that pass asked for — whether one MAC was forgotten among many
/// (removed in place) or most of them (the table rebuilt).
@Suite struct LocalMACMemoTests {
    static let binding = Binding(port: "p0", portNumber: 1, vlan: 0, logicalSwitch: OVSDBUUID(7), logicalSwitchName: "ls0", vni: 33)
    static let tagged = Binding(port: "p1", portNumber: 2, vlan: 10, logicalSwitch: OVSDBUUID(7), logicalSwitchName: "ls0", vni: 33)

    static func key(_ index: Int, binding: Binding = binding, etherTypes: Set<UInt16> = []) -> LocalMACFlows.Key {
        let mac = EthernetAddress(String(format: "06:00:00:00:%02x:%02x", index >> 8, index & 0xff))!
        return LocalMACFlows.Key(
            local: LocalMAC(mac: mac, port: binding.port, vlan: binding.vlan), binding: binding,
            recirculation: 0x100_0021, tunnelRecirculation: 0x200_0021, tunnelPort: 3, etherTypes: etherTypes)
    }

    static func ufids(_ flows: LocalMACFlows) -> [FlowUFID] { flows.flows.map(\.ufid) }

    @Test func aPassGetsTheFlowsBuildingThemAfreshGives() {
        var memo = LocalMACMemo()
        let keys = (0..<5).map { Self.key($0) } + [Self.key(9, binding: Self.tagged, etherTypes: [0x0800, 0x86dd])]
        for _ in 0..<3 {
            for key in keys {
                let flows = memo.flows(key)
                #expect(flows.flows == LocalMACFlows(key).flows)
                #expect(flows.forwardUFID == LocalMACFlows(key).forwardUFID)
                #expect(flows.liveEtherTypes == LocalMACFlows(key).liveEtherTypes)
            }
            memo.endPass()
            #expect(memo.count == keys.count)
        }
    }

    @Test func keysDifferingOnlyInWhatTheHashLeavesOutAreApart() {
        // Same MAC, port, VLAN and as many EtherTypes: only equality tells them apart.
        var memo = LocalMACMemo()
        let ipv4 = Self.key(1, binding: Self.tagged, etherTypes: [0x0800])
        let arp = Self.key(1, binding: Self.tagged, etherTypes: [0x0806])
        #expect(Self.ufids(memo.flows(ipv4)) != Self.ufids(memo.flows(arp)))
        var otherPort = ipv4
        otherPort.tunnelPort = 4
        #expect(memo.flows(otherPort).flows == LocalMACFlows(otherPort).flows)
        memo.endPass()
        #expect(memo.count == 3)
    }

    @Test(arguments: [1, 600, 999])
    func aPassForgetsWhatItDidNotAskFor(forgotten: Int) {
        var memo = LocalMACMemo()
        let keys = (0..<1000).map { Self.key($0) }
        for key in keys { _ = memo.flows(key) }
        memo.endPass()
        let kept = Array(keys.dropFirst(forgotten))
        for key in kept { _ = memo.flows(key) }
        // Asking twice in a pass counts once.
        if let first = kept.first { _ = memo.flows(first) }
        memo.endPass()
        #expect(memo.count == kept.count)
        for key in kept { #expect(memo.flows(key).flows == LocalMACFlows(key).flows) }
        memo.endPass()
        #expect(memo.count == kept.count)
        memo.endPass()
        #expect(memo.count == 0)
    }
}
