import Foundation
import Testing
@testable import VTEPOffload

/// The client against a real ovsdb-server with the real vtep.ovsschema,
/// driven by the documentation's own vtep-ctl commands.
@Suite(.serialized) struct OVSDBClientTests {
    func startClient(_ rig: OVSDBServerRig, probe: Duration = .seconds(5)) -> (OVSDBClient<VTEPDatabase>, Task<Void, Never>) {
        var options = OVSDBClient<VTEPDatabase>.Options()
        options.inactivityProbe = probe
        options.maxBackoff = .milliseconds(400)
        let client = OVSDBClient<VTEPDatabase>(remotes: [rig.remote], options: options)
        let task = Task { await client.run() }
        return (client, task)
    }

    @Test func theSeedScenarioAppearsInTheModel() async throws {
        let rig = try OVSDBServerRig()
        let (client, task) = startClient(rig)
        defer { task.cancel() }
        await client.waitUntilSynced()

        try rig.vtepctl("add-ps", "br0")
        try rig.vtepctl("set", "Physical_Switch", "br0", "tunnel_ips=10.2.2.1")
        try rig.vtepctl("add-port", "br0", "p0")
        try rig.vtepctl("add-port", "br0", "p1")
        try rig.vtepctl("add-ls", "ls0")
        try rig.vtepctl("bind-ls", "br0", "p0", "0", "ls0")
        try rig.vtepctl("set", "Logical_Switch", "ls0", "tunnel_key=33")
        try rig.vtepctl("add-mcast-remote", "ls0", "unknown-dst", "10.2.2.2")
        try rig.vtepctl("set-replication-mode", "ls0", "source_node")
        try rig.vtepctl("add-ucast-remote", "ls0", "00:11:22:33:44:55", "10.2.2.3")

        #expect(await eventually { await client.replica.ucastMacsRemote.count == 1 })
        let db = await client.replica
        let (switchID, physicalSwitch) = try #require(db.physicalSwitch(named: "br0"))
        #expect(physicalSwitch.tunnelIPs == ["10.2.2.1"])
        #expect(db.global.rows.values.first?.switches == [switchID])
        let ports = physicalSwitch.ports.compactMap { db.physicalPorts[$0] }
        #expect(Set(ports.map(\.name)) == ["p0", "p1"])
        let (lsID, ls) = try #require(db.logicalSwitch(named: "ls0"))
        #expect(ls.tunnelKey == 33)
        #expect(ls.replicationMode == "source_node")
        #expect(ports.first { $0.name == "p0" }?.vlanBindings == [0: lsID])
        #expect(ports.first { $0.name == "p1" }?.vlanBindings == [:])

        let mac = try #require(db.ucastMacsRemote.rows.values.first)
        #expect(mac.mac == "00:11:22:33:44:55")
        #expect(mac.logicalSwitch == lsID)
        #expect(db.locators[mac.locator]?.dstIP == "10.2.2.3")
        #expect(db.locators[mac.locator]?.encapsulationType == "vxlan_over_ipv4")

        let mcast = try #require(db.mcastMacsRemote.rows.values.first)
        #expect(mcast.mac == "unknown-dst")
        let set = try #require(db.locatorSets[mcast.locatorSet])
        #expect(set.locators.compactMap { db.locators[$0]?.dstIP } == ["10.2.2.2"])

        // A deletion arrives as exactly one typed change.
        try rig.vtepctl("del-ucast-remote", "ls0", "00:11:22:33:44:55")
        #expect(await eventually { await client.replica.ucastMacsRemote.isEmpty })
    }

    @Test func changesArriveAsTypedInsertModifyDelete() async throws {
        let rig = try OVSDBServerRig()
        let (client, task) = startClient(rig)
        defer { task.cancel() }
        await client.waitUntilSynced()
        var events = client.events.makeAsyncIterator()

        try rig.vtepctl("add-ls", "ls9")
        try rig.vtepctl("set", "Logical_Switch", "ls9", "tunnel_key=99")
        try rig.vtepctl("del-ls", "ls9")
        var seen: [String] = []
        while seen.count < 3, let event = await events.next() {
            guard case .changes(let changes) = event else { continue }
            for case .logicalSwitch(let change) in changes {
                switch change {
                case .insert(_, let row): seen.append("insert \(row.name) \(row.tunnelKey.map(String.init) ?? "-")")
                case .modify(_, let old, let new): seen.append("modify \(old.tunnelKey.map(String.init) ?? "-")→\(new.tunnelKey.map(String.init) ?? "-")")
                case .delete(_, let row): seen.append("delete \(row.name)")
                }
            }
        }
        #expect(seen == ["insert ls9 -", "modify -→99", "delete ls9"])
    }
}
