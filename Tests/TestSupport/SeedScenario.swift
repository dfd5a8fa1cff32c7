@testable import OVSDB
@testable import OVSDatapathCore
@testable import VTEPCompiler
@testable import VTEPModel

/// The seed scenario's database after the documentation's vtep-ctl commands.
package struct SeedScenario {
    package static let vm1 = LocalMAC(mac: EthernetAddress("02:00:00:00:01:01")!, port: "p0", vlan: 0)

    package var db = VTEPDatabase()
    package let br0 = OVSDBUUID(1), p0 = OVSDBUUID(2), p1 = OVSDBUUID(3), ls0 = OVSDBUUID(4)
    package var next: UInt128 = 100

    package init() {
        var ps = VTEPPhysicalSwitch()
        ps.name = "br0"
        ps.tunnelIPs = ["10.2.2.1"]
        ps.ports = [p0, p1]
        db.physicalSwitches.set(br0, ps)
        var port0 = VTEPPhysicalPort()
        port0.name = "p0"
        port0.vlanBindings = [0: ls0]
        db.physicalPorts.set(p0, port0)
        var port1 = VTEPPhysicalPort()
        port1.name = "p1"
        db.physicalPorts.set(p1, port1)
        var ls = VTEPLogicalSwitch()
        ls.name = "ls0"
        ls.tunnelKey = 33
        db.logicalSwitches.set(ls0, ls)
        addMcastRemote(["10.2.2.2"])
        addUcastRemote("00:11:22:33:44:55", "10.2.2.3")
    }

    package mutating func uuid() -> OVSDBUUID { next += 1; return OVSDBUUID(next) }

    package mutating func locator(_ ip: String) -> OVSDBUUID {
        if let existing = db.locator(dstIP: ip) { return existing }
        var locator = VTEPPhysicalLocator()
        locator.encapsulationType = "vxlan_over_ipv4"
        locator.dstIP = ip
        let id = uuid()
        db.locators.set(id, locator)
        return id
    }

    /// A locator of its own VNI (`tunnel_key`), beside the unkeyed one of the same IP.
    package mutating func keyedLocator(_ ip: String, key: Int) -> OVSDBUUID {
        var locator = VTEPPhysicalLocator()
        locator.encapsulationType = "vxlan_over_ipv4"
        locator.dstIP = ip
        locator.tunnelKey = key
        let id = uuid()
        db.locators.set(id, locator)
        return id
    }

    package mutating func addUcastRemote(_ mac: String, _ ip: String, in ls: OVSDBUUID? = nil) {
        var row = VTEPUcastMac<VTEPRemote>()
        row.mac = mac
        row.logicalSwitch = ls ?? ls0
        row.locator = locator(ip)
        db.ucastMacsRemote.set(uuid(), row)
    }

    package mutating func addMcastRemote(_ ips: [String], mac: String = "unknown-dst", in ls: OVSDBUUID? = nil) {
        var set = VTEPPhysicalLocatorSet()
        set.locators = Set(ips.map { locator($0) })
        let setID = uuid()
        db.locatorSets.set(setID, set)
        var row = VTEPMcastMac<VTEPRemote>()
        row.mac = mac
        row.logicalSwitch = ls ?? ls0
        row.locatorSet = setID
        db.mcastMacsRemote.set(uuid(), row)
    }

    package func compile(
        localMACs: [LocalMAC] = [], ports: [String: UInt32] = ["p0": 1, "p1": 2], facts: MissFacts = MissFacts(),
        health: LocatorHealth = LocatorHealth()
    ) -> DesiredDatapathState {
        VTEPCompiler.compile(
            CompilerInput(
                database: db, switchName: "br0", portNumbers: ports, tunnelPort: 3, localMACs: localMACs,
                missFacts: facts, locatorHealth: health, upcallPortID: 77))
    }

    /// A Tunnel row of br0 from our tunnel IP to `remote`, with `bfd_params`.
    package mutating func addTunnel(to remote: String, params: [String: String]) {
        var tunnel = VTEPTunnel()
        tunnel.local = locator("10.2.2.1")
        tunnel.remote = locator(remote)
        tunnel.bfdParams = params
        let id = uuid()
        db.tunnels.set(id, tunnel)
        var ps = db.physicalSwitches[br0]!
        ps.tunnels.insert(id)
        db.physicalSwitches.set(br0, ps)
    }

    /// A logical switch with this VNI, bound on `port` at `vlan`.
    @discardableResult
    package mutating func bind(_ port: OVSDBUUID, vlan: Int, newSwitch name: String, vni: Int) -> OVSDBUUID {
        var ls = VTEPLogicalSwitch()
        ls.name = name
        ls.tunnelKey = vni
        let id = uuid()
        db.logicalSwitches.set(id, ls)
        bind(port, vlan: vlan, to: id)
        return id
    }

    package mutating func bind(_ port: OVSDBUUID, vlan: Int, to ls: OVSDBUUID) {
        var row = db.physicalPorts[port]!
        row.vlanBindings[vlan] = ls
        db.physicalPorts.set(port, row)
    }
}
