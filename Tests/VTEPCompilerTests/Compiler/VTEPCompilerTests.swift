import TestSupport
import Testing

@testable import OVSDB
@testable import OVSDatapathCore
@testable import VTEPCompiler
@testable import VTEPModel

/// The compiler on hand-built VTEP states, flows compared in ovs-dpctl
/// notation. No kernel, no database: a pure function.
@Suite struct VTEPCompilerTests {
    typealias Seed = SeedScenario
    static let vm1 = SeedScenario.vm1

    func text(_ state: DesiredDatapathState) -> [String] {
        state.flows.values.map {
            "\(FlowFormatter.formatMatch(key: $0.flow.key, mask: $0.flow.mask)), actions:\(FlowFormatter.formatActions($0.flow.actions))"
        }.sorted()
    }

    @Test func theSeedScenarioCompilesToTheDesignsFlows() {
        let state = Seed().compile(localMACs: [Self.vm1])
        #expect(state.problems.isEmpty)
        #expect(state.switchFaults.isEmpty && state.portFaults.isEmpty)
        #expect(state.bindings.map(\.description) == ["p0 vlan 0 → ls0 (VNI 33)"])
        // docs/design.md's three seed flows (a kernel dump adds eth_type(0/0x0000)),
        // plus VM1's delivery and the tunnel ones: VNI 33 admitted from its
        // two locators (unknown-dst 10.2.2.2, the remote MAC's 10.2.2.3) to
        // our 10.2.2.1, then delivered.
        #expect(
            text(state) == [
                "recirc_id(0),in_port(1),eth(src=02:00:00:00:01:01), actions:recirc(0x1000021)",
                // p1 is not bound: what it sends is dropped in the kernel.
                "recirc_id(0),in_port(2),eth(), actions:drop",
                "recirc_id(0),tunnel(tun_id=0x21,src=10.2.2.2,dst=10.2.2.1,flags(+key)),in_port(3),eth(), actions:recirc(0x2000021)",
                "recirc_id(0),tunnel(tun_id=0x21,src=10.2.2.3,dst=10.2.2.1,flags(+key)),in_port(3),eth(), actions:recirc(0x2000021)",
                "recirc_id(0x1000021),eth(dst=00:11:22:33:44:55), actions:set(tunnel(tun_id=0x21,src=10.2.2.1,dst=10.2.2.3,ttl=64,flags(df|key))),3",
                "recirc_id(0x1000021),eth(dst=02:00:00:00:01:01), actions:1",
                "recirc_id(0x1000021),in_port(1),eth(dst=01:00:00:00:00:00/01:00:00:00:00:00), actions:set(tunnel(tun_id=0x21,src=10.2.2.1,dst=10.2.2.2,ttl=64,flags(df|key))),3",
                "recirc_id(0x2000021),in_port(3),eth(dst=01:00:00:00:00:00/01:00:00:00:00:00), actions:1",
                "recirc_id(0x2000021),in_port(3),eth(dst=02:00:00:00:01:01), actions:1",
            ])
    }

    @Test func sourceNodeReplicationFloodsToEveryUnknownDstLocator() {
        var seed = Seed()
        seed.addMcastRemote(["10.2.2.4", "10.2.2.5"])
        var ls = seed.db.logicalSwitches[seed.ls0]!
        #expect(
            text(seed.compile()).filter { $0.contains("in_port(1)") && $0.contains("01:00:00:00:00:00/") }.first?.components(
                separatedBy: "set(tunnel"
            ).count == 2)
        ls.replicationMode = "source_node"
        seed.db.logicalSwitches.set(seed.ls0, ls)
        let flood = text(seed.compile()).filter { $0.contains("in_port(1)") && $0.contains("01:00:00:00:00:00/") }
        #expect(flood.count == 1)
        for ip in ["10.2.2.2", "10.2.2.4", "10.2.2.5"] { #expect(flood[0].contains("dst=\(ip)")) }
    }

    @Test func floodingNeverHairpinsAndTunnelTrafficNeverReturnsToATunnel() {
        var seed = Seed()
        var p1 = seed.db.physicalPorts[seed.p1]!
        p1.vlanBindings = [0: seed.ls0]
        seed.db.physicalPorts.set(seed.p1, p1)
        let flows = text(seed.compile())
        let fromP0 = flows.first { $0.hasPrefix("recirc_id(0x1000021),in_port(1)") }!
        let fromP1 = flows.first { $0.hasPrefix("recirc_id(0x1000021),in_port(2)") }!
        #expect(fromP0.hasSuffix("actions:2,set(tunnel(tun_id=0x21,src=10.2.2.1,dst=10.2.2.2,ttl=64,flags(df|key))),3"))
        #expect(fromP1.hasSuffix("actions:1,set(tunnel(tun_id=0x21,src=10.2.2.1,dst=10.2.2.2,ttl=64,flags(df|key))),3"))
        let fromTunnel = flows.first { $0.contains("in_port(3)") && $0.contains("01:00:00:00:00:00/") }!
        #expect(fromTunnel.hasSuffix("actions:1,2"))
    }

    @Test func flowCountGrowsWithMACsNotWithBindingsTimesMACs() {
        var seed = Seed()
        for i in 0..<500 { seed.addUcastRemote(String(format: "0a:00:00:00:%02x:%02x", i >> 8, i & 0xff), "10.2.2.3") }
        var p1 = seed.db.physicalPorts[seed.p1]!
        p1.vlanBindings = [0: seed.ls0]
        seed.db.physicalPorts.set(seed.p1, p1)
        let state = seed.compile()
        // 501 remote MACs, 2 local floods, 1 tunnel flood, 2 tunnel admissions
        // (the two locators); no drop (both ports bound).
        #expect(state.flows.count == 501 + 2 + 1 + 2)
    }

    @Test func theSameStateAlwaysCompilesToTheSameUFIDs() {
        let a = Seed().compile(localMACs: [Self.vm1]), b = Seed().compile(localMACs: [Self.vm1])
        #expect(Set(a.flows.keys) == Set(b.flows.keys))
        #expect(a.flows.values.allSatisfy { b.flows[$0.flow.ufid!]?.flow == $0.flow })
    }

    /// A UFID is derived from its identity's text, and a restarted or
    /// upgraded vtep-kdp must find the flows an earlier one installed: the
    /// text may never change, however it is built.
    @Test(
        arguments: [
            (0, "00:00:00:00:00:00"), (9, "0A:0b:0C:0d:0E:0f"), (33, "00:11:22:33:44:55"), (4096, "ff:ff:ff:ff:ff:fe"),
            (16_777_215, "02:00:00:00:01:01"),
        ] as [(UInt32, String)])
    func forwardIdentitiesReadAsTheyAlwaysHave(vni: UInt32, mac: String) {
        let identity = FlowIdentity.forward(vni: vni, destination: EthernetAddress(mac)!)
        #expect(identity == "s2 vni=\(vni) dst=\(mac.lowercased())")
    }

    @Test func aDeletedRemoteMACRemovesExactlyItsFlow() {
        var seed = Seed()
        seed.addUcastRemote("00:11:22:33:44:66", "10.2.2.3")
        let before = seed.compile()
        let row = seed.db.ucastMacsRemote.rows.first { $0.value.mac == "00:11:22:33:44:66" }!.key
        seed.db.ucastMacsRemote.set(row, nil)
        let after = seed.compile()
        let removed = Set(before.flows.keys).subtracting(after.flows.keys)
        #expect(removed.count == 1)
        #expect(before.flows[removed.first!]?.identity == "s2 vni=33 dst=00:11:22:33:44:66")
        #expect(Set(after.flows.keys).isSubset(of: Set(before.flows.keys)))
    }

    @Test func badConfigurationBecomesFaultsAndTheRestStillCompiles() {
        var seed = Seed()
        // ls1: VNI -1; ls2: VNI beyond 24 bits; ls3: the same VNI as ls0.
        for (index, key) in [-1, 1 << 24, 33].enumerated() {
            var ls = VTEPLogicalSwitch()
            ls.name = "ls\(index + 1)"
            ls.tunnelKey = key
            seed.db.logicalSwitches.set(OVSDBUUID(UInt128(50 + index)), ls)
        }
        var p1 = seed.db.physicalPorts[seed.p1]!
        p1.vlanBindings = [10: OVSDBUUID(50), 20: OVSDBUUID(51), 30: OVSDBUUID(52)]
        seed.db.physicalPorts.set(seed.p1, p1)
        // p9 is bound but has no network device.
        var p9 = VTEPPhysicalPort()
        p9.name = "p9"
        p9.vlanBindings = [0: seed.ls0]
        seed.db.physicalPorts.set(OVSDBUUID(60), p9)
        var ps = seed.db.physicalSwitches[seed.br0]!
        ps.ports.insert(OVSDBUUID(60))
        seed.db.physicalSwitches.set(seed.br0, ps)

        let state = seed.compile(localMACs: [Self.vm1])
        #expect(state.portFaults == ["p1": ["invalid_vlan_map"], "p9": ["unspecified_fault"]])
        #expect(state.problems.count == 4)
        #expect(state.problems.contains { $0.contains("ls1 has VNI -1, outside VXLAN's 24 bits") })
        #expect(state.problems.contains { $0.contains("ls2 has VNI 16777216, outside VXLAN's 24 bits") })
        #expect(state.problems.contains { $0.contains("VNI 33 of ls3 is already used by ls0") })
        // ls0 on p0 is untouched.
        #expect(text(state) == text(Seed().compile(localMACs: [Self.vm1])))
    }

    @Test func aSwitchWithoutExactlyOneTunnelIPIsAFault() {
        var seed = Seed()
        var ps = seed.db.physicalSwitches[seed.br0]!
        ps.tunnelIPs = ["10.2.2.1", "10.9.9.9"]
        seed.db.physicalSwitches.set(seed.br0, ps)
        let state = seed.compile()
        #expect(state.switchFaults == ["unspecified_fault"])
        #expect(state.flows.isEmpty)
        #expect(
            VTEPCompiler.compile(CompilerInput(database: seed.db, switchName: "nope", portNumbers: [:], tunnelPort: 3)).problems
                == ["Physical_Switch nope is not in the database"])
    }

    @Test func whatIsNotImplementedIsReportedInTheFaultColumnsAndTheRestForwards() {
        var seed = Seed()
        var p0 = seed.db.physicalPorts[seed.p0]!
        p0.aclBindings = [0: OVSDBUUID(77)]
        seed.db.physicalPorts.set(seed.p0, p0)
        var router = VTEPLogicalRouter()
        router.name = "lr0"
        router.switchBinding = ["192.168.100.254/24": seed.ls0]
        seed.db.logicalRouters.set(OVSDBUUID(78), router)
        var locator = VTEPPhysicalLocator()
        locator.encapsulationType = "vxlan_over_ipv6"
        locator.dstIP = "2001:db8::2"
        seed.db.locators.set(OVSDBUUID(79), locator)
        var set = VTEPPhysicalLocatorSet()
        set.locators = [OVSDBUUID(79)]
        seed.db.locatorSets.set(OVSDBUUID(80), set)
        var row = VTEPMcastMac<VTEPRemote>()
        row.mac = "unknown-dst"
        row.logicalSwitch = seed.ls0
        row.locatorSet = OVSDBUUID(80)
        seed.db.mcastMacsRemote.set(OVSDBUUID(81), row)

        let state = seed.compile(localMACs: [Self.vm1])
        #expect(state.portFaults == ["p0": ["invalid_ACL_binding"]])
        #expect(state.switchFaults == ["lr_support_fault", "unspecified_fault"])
        #expect(state.problems.count == 3, "\(state.problems)")
        #expect(text(state) == text(Seed().compile(localMACs: [Self.vm1])))
    }

    @Test func onlyChangesToWhatTheCompilerReadsCostAPass() {
        var port = VTEPPhysicalPort()
        port.name = "p0"
        var faulted = port
        faulted.portFaultStatus = ["invalid_vlan_map"]
        var rebound = port
        rebound.vlanBindings = [0: OVSDBUUID(4)]
        #expect(!VTEPChange.physicalPort(.modify(OVSDBUUID(1), old: port, new: faulted)).affectsForwarding)
        #expect(VTEPChange.physicalPort(.modify(OVSDBUUID(1), old: port, new: rebound)).affectsForwarding)
        #expect(!VTEPChange.ucastMacLocal(.insert(OVSDBUUID(2), VTEPUcastMac<VTEPLocal>())).affectsForwarding)
        #expect(!VTEPChange.bindingStats(.insert(OVSDBUUID(3), VTEPLogicalBindingStats())).affectsForwarding)
        #expect(VTEPChange.ucastMacRemote(.insert(OVSDBUUID(2), VTEPUcastMac<VTEPRemote>())).affectsForwarding)
    }
}
