import Testing

@testable import OVSDatapathCore

/// How a datapath's VXLAN port is found and its ports named, on vport
/// lists built by hand: the daemon, recovery and `vtep-kdp status` all
/// rely on these agreeing.
@Suite struct VportLookupTests {
    static func port(_ number: UInt32, _ name: String, _ type: VportType = .netdev) -> Vport {
        Vport(datapathIfindex: 9, portNumber: number, type: type, name: name)
    }

    @Test func theVXLANPortIsAKernelVXLANVportOrTheNetdevVtepKdpMakes() {
        #expect([Self.port(0, "ovs-system", .internal), Self.port(1, "p0"), Self.port(2, "vxlan_sys_4789")].vxlanTunnel?.portNumber == 2)
        #expect([Self.port(1, "p0"), Self.port(3, "vx0", .vxlan)].vxlanTunnel?.portNumber == 3)
        #expect([Self.port(1, "p0"), Self.port(2, "vxlan0")].vxlanTunnel == nil)  // a netdev not named as ours
        #expect([Self.port(1, "p0"), Self.port(2, "gre0", .gre)].vxlanTunnel == nil)
        #expect([Vport]().vxlanTunnel == nil)
        #expect(Self.port(2, VXLANNaming.name(forPort: 4790)).isVXLANTunnel)
    }

    @Test func portsAreNamedBothWays() {
        let ports = [Self.port(0, "ovs-system", .internal), Self.port(1, "p0"), Self.port(2, "vxlan_sys_4789")]
        #expect(ports.portNumbersByName == ["ovs-system": 0, "p0": 1, "vxlan_sys_4789": 2])
        #expect(ports.namesByPortNumber == [0: "ovs-system", 1: "p0", 2: "vxlan_sys_4789"])
        // A list with a name twice (never from one kernel dump) keeps the first, not a crash.
        #expect([Self.port(1, "p0"), Self.port(4, "p0")].portNumbersByName == ["p0": 1])
    }
}
