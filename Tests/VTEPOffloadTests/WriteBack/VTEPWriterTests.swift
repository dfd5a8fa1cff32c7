import Foundation
import TestSupport
import Testing

@testable import OVSDB
@testable import VTEPModel
@testable import VTEPOffload

/// The write-back's rows, written to a real ovsdb-server and read back with vtep-ctl.
/// Each test is cut off (and fails) after 3 minutes instead of waiting forever
/// for an event that never comes.
@Suite(.serialized, .timeLimit(.minutes(3))) struct VTEPWriterTests {
    @Test func ourWritesReadBackThroughVtepCtl() async throws {
        let rig = try OVSDBServerRig()
        try rig.vtepctl("add-ps", "br0")
        try rig.vtepctl("set", "Physical_Switch", "br0", "tunnel_ips=10.2.2.1")
        try rig.vtepctl("add-ls", "ls0")
        try rig.vtepctl("add-mcast-remote", "ls0", "unknown-dst", "10.2.2.2")
        let (client, task) = rig.startClient()
        defer { task.cancel() }
        try #require(await client.waitUntilSynced(timeout: .seconds(60)), "the client never synced")
        let writer = VTEPWriter(client: client)
        let (lsID, _) = try #require(await client.replica.logicalSwitch(named: "ls0"))
        let (switchID, _) = try #require(await client.replica.physicalSwitch(named: "br0"))

        try await writer.setPhysicalPorts(["p0", "p1", "p2"], removing: [], on: "br0")
        #expect(await eventually { await client.replica.physicalPorts.count == 3 })
        try await writer.setPhysicalPorts(["p0", "p1"], removing: [], on: "br0")  // idempotent; p2 is not asked to go
        #expect(try rig.vtepctl("list-ports", "br0") == "p0\np1\np2")
        try await writer.setPhysicalPorts(["p0", "p1"], removing: ["p2"], on: "br0")
        #expect(await eventually { await client.replica.physicalPorts.count == 2 }, "dropped from the switch, the row is collected")
        #expect(try rig.vtepctl("list-ports", "br0") == "p0\np1")
        try await writer.setSwitchIdentity(description: "a VTEP", managementIPs: ["192.0.2.9"], switch: switchID)
        #expect(try rig.vtepctl("get", "Physical_Switch", "br0", "description", "management_ips") == "\"a VTEP\"\n[\"192.0.2.9\"]")

        try await writer.addUcastMacLocal("02:00:00:00:01:01", logicalSwitch: lsID, tunnelIP: "10.2.2.1")
        try await writer.setMcastMacLocal("unknown-dst", logicalSwitch: lsID, tunnelIPs: ["10.2.2.1"])
        #expect(await eventually { await client.replica.mcastMacsLocal.count == 1 })
        try await writer.addUcastMacLocal("02:00:00:00:01:01", logicalSwitch: lsID, tunnelIP: "10.2.2.1")  // idempotent
        try await writer.setMcastMacLocal("unknown-dst", logicalSwitch: lsID, tunnelIPs: ["10.2.2.1"])
        #expect(
            try rig.vtepctl("list-local-macs", "ls0") == """
                ucast-mac-local
                  02:00:00:00:01:01 -> vxlan_over_ipv4/10.2.2.1

                mcast-mac-local
                  unknown-dst -> vxlan_over_ipv4/10.2.2.1
                """)
        // The remote side is untouched, and the locator for 10.2.2.1 exists once.
        #expect(try rig.vtepctl("list-remote-macs", "ls0").contains("unknown-dst -> vxlan_over_ipv4/10.2.2.2"))
        #expect(await client.replica.locators.rows.values.filter { $0.dstIP == "10.2.2.1" }.count == 1)

        // The learned set as a whole: one transaction adds two, and then
        // takes away the first MAC (aged out) while keeping the others.
        let changed = try await writer.setUcastMacsLocal(
            [lsID: ["02:00:00:00:01:01", "02:00:00:00:01:02", "02:00:00:00:01:03"]], tunnelIP: "10.2.2.1")
        #expect(changed == 2)
        #expect(await eventually { await client.replica.ucastMacsLocal.count == 3 })
        #expect(try await writer.setUcastMacsLocal([lsID: ["02:00:00:00:01:02", "02:00:00:00:01:03"]], tunnelIP: "10.2.2.1") == 1)
        #expect(await eventually { await client.replica.ucastMacsLocal.count == 2 })
        #expect(try await writer.setUcastMacsLocal([lsID: ["02:00:00:00:01:02", "02:00:00:00:01:03"]], tunnelIP: "10.2.2.1") == 0)
        #expect(try rig.vtepctl("list-local-macs", "ls0").contains("02:00:00:00:01:03 -> vxlan_over_ipv4/10.2.2.1"))
        #expect(try !rig.vtepctl("list-local-macs", "ls0").contains("02:00:00:00:01:01"))

        // Announced addresses: one row per MAC/IP pair; the "" row gives way,
        // an address no longer announced goes; a MAC with none keeps its row.
        func ipaddrs(_ mac: String) async -> [String] {
            await client.replica.ucastMacsLocal.rows.values.filter { $0.mac == mac }.map(\.ipaddr).sorted()
        }
        let both: Set<String> = ["02:00:00:00:01:02", "02:00:00:00:01:03"]
        #expect(
            try await writer.setUcastMacsLocal(
                [lsID: both], addresses: [lsID: ["02:00:00:00:01:02": ["10.0.0.2", "10.0.0.22"]]], tunnelIP: "10.2.2.1")
                == 3)
        #expect(await eventually { await ipaddrs("02:00:00:00:01:02") == ["10.0.0.2", "10.0.0.22"] })
        #expect(await ipaddrs("02:00:00:00:01:03") == [""])
        #expect(
            try await writer.setUcastMacsLocal([lsID: both], addresses: [lsID: ["02:00:00:00:01:02": ["10.0.0.22"]]], tunnelIP: "10.2.2.1")
                == 1)
        #expect(await eventually { await ipaddrs("02:00:00:00:01:02") == ["10.0.0.22"] })
        #expect(try await writer.setUcastMacsLocal([lsID: both], tunnelIP: "10.2.2.1") == 0, "unknown addresses keep the rows")
        #expect(
            try rig.vtepctl("--columns=ipaddr", "find", "Ucast_Macs_Local", "MAC=02\\:00\\:00\\:00\\:01\\:02").contains("\"10.0.0.22\""))
        #expect(try await writer.setUcastMacsLocal([lsID: ["02:00:00:00:01:03"]], tunnelIP: "10.2.2.1") == 1, "aged out with its address")
        #expect(await eventually { await ipaddrs("02:00:00:00:01:02").isEmpty })

        let p0 = try #require(await client.replica.physicalPorts.rows.first { $0.value.name == "p0" }?.key)
        try await writer.setPortFaults(["invalid_vlan_map"], port: p0)
        try await writer.setSwitchFaults(["unsupported_source_node_replication"], switch: switchID)
        try await writer.setBindingStats(.init(packets: (3, 2), bytes: (300, 200)), port: p0, vlan: 0)
        #expect(await eventually { await client.replica.bindingStats.count == 1 })
        try await writer.setBindingStats(.init(packets: (4, 2), bytes: (400, 200)), port: p0, vlan: 0)
        #expect(try rig.vtepctl("get", "Physical_Port", "p0", "port_fault_status") == "[invalid_vlan_map]")
        #expect(try rig.vtepctl("get", "Physical_Switch", "br0", "switch_fault_status") == "[unsupported_source_node_replication]")
        #expect(
            try rig.vtepctl("--columns=packets_from_local,bytes_from_local", "list", "Logical_Binding_Stats")
                .replacingOccurrences(of: " ", with: "") == "packets_from_local:4\nbytes_from_local:400")
        #expect(await eventually { await client.replica.bindingStats.rows.values.first?.packetsFromLocal == 4 })

    }

    /// Issue 22, point 1: one Tunnel row per remote locator, as ovs-vtep
    /// keeps them, added and removed with the locators; `bfd_status:enabled`
    /// follows `bfd_params:enable`.
    @Test func tunnelRowsFollowTheRemoteLocators() async throws {
        let rig = try OVSDBServerRig()
        try rig.vtepctl("add-ps", "br0")
        let (client, task) = rig.startClient()
        defer { task.cancel() }
        try #require(await client.waitUntilSynced(timeout: .seconds(60)), "the client never synced")
        let writer = VTEPWriter(client: client)
        let (switchID, _) = try #require(await client.replica.physicalSwitch(named: "br0"))
        func remotes() throws -> [String] {
            try rig.vtepctl("--columns=remote", "--bare", "list", "Tunnel").split(separator: "\n").filter { !$0.isEmpty }.map {
                try rig.vtepctl("get", "Physical_Locator", String($0), "dst_ip")
            }.sorted()
        }

        try await writer.setTunnels(switch: switchID, localIP: "10.2.2.1", remoteIPs: ["10.2.2.2", "10.2.2.3"])
        #expect(await eventually { await client.replica.tunnels.count == 2 })
        #expect(try remotes() == ["\"10.2.2.2\"", "\"10.2.2.3\""])
        let row =
            try rig.vtepctl("--columns=bfd_config_local,bfd_status", "list", "Tunnel").split(separator: "\n").first.map(String.init) ?? ""
        #expect(
            row.replacingOccurrences(of: " ", with: "") == "bfd_config_local:{bfd_dst_ip=\"169.254.1.0\",bfd_dst_mac=\"00:23:20:00:00:01\"}"
        )
        #expect(try rig.vtepctl("--columns=bfd_status", "--bare", "list", "Tunnel").contains("enabled=false"))

        // The controller asks for BFD on one: enabled, and why it does not run.
        let uuid = try rig.vtepctl("--columns=_uuid", "--bare", "list", "Tunnel").split(separator: "\n").first.map(String.init) ?? ""
        try rig.vtepctl("set", "Tunnel", uuid, "bfd_params:enable=true")
        #expect(await eventually { await client.replica.tunnels.rows.values.contains { $0.bfdParams["enable"] == "true" } })
        try await writer.setTunnels(switch: switchID, localIP: "10.2.2.1", remoteIPs: ["10.2.2.2", "10.2.2.3"])
        #expect(try rig.vtepctl("get", "Tunnel", uuid, "bfd_status:enabled") == "\"true\"")
        #expect(await eventually { await client.replica.tunnels[OVSDBUUID(uuid)!]?.bfdStatus["info"] != nil })

        // A locator no longer used loses its row; nothing changes when nothing differs.
        try await writer.setTunnels(switch: switchID, localIP: "10.2.2.1", remoteIPs: ["10.2.2.3"])
        #expect(await eventually { await client.replica.tunnels.count == 1 })
        #expect(try remotes() == ["\"10.2.2.3\""])
        try await writer.setTunnels(switch: switchID, localIP: "10.2.2.1", remoteIPs: [])
        #expect(await eventually { await client.replica.tunnels.count == 0 })
        #expect(try rig.vtepctl("get", "Physical_Switch", "br0", "tunnels") == "[]")
    }

    /// Issue 26, point 4: nothing stale. A switch no longer bound here loses
    /// our `unknown-dst` row (another VTEP's stays); an unbound VLAN loses
    /// its `vlan_stats` entry and its Logical_Binding_Stats row.
    @Test func theRowsOfWhatIsNoLongerBoundGo() async throws {
        let rig = try OVSDBServerRig()
        try rig.vtepctl("add-ps", "br0")
        try rig.vtepctl("add-port", "br0", "p0")
        for ls in ["ls0", "ls1"] { try rig.vtepctl("add-ls", ls) }
        let (client, task) = rig.startClient()
        defer { task.cancel() }
        try #require(await client.waitUntilSynced(timeout: .seconds(60)), "the client never synced")
        let writer = VTEPWriter(client: client)
        let (ls0, _) = try #require(await client.replica.logicalSwitch(named: "ls0"))
        let (ls1, _) = try #require(await client.replica.logicalSwitch(named: "ls1"))
        let p0 = try #require(await client.replica.physicalPorts.rows.first { $0.value.name == "p0" }?.key)

        try await writer.setMcastMacLocal("unknown-dst", logicalSwitch: ls0, tunnelIPs: ["10.2.2.1"])
        try await writer.setMcastMacLocal("unknown-dst", logicalSwitch: ls1, tunnelIPs: ["10.2.2.1"])
        try await writer.setMcastMacLocal("00:00:5e:00:01:01", logicalSwitch: ls1, tunnelIPs: ["10.2.2.1"])
        #expect(await eventually { await client.replica.mcastMacsLocal.count == 3 })
        try await writer.setBindingStats(.init(packets: (1, 1), bytes: (100, 100)), port: p0, vlan: 0)
        try await writer.setBindingStats(.init(packets: (2, 2), bytes: (200, 200)), port: p0, vlan: 10)
        #expect(await eventually { await client.replica.bindingStats.count == 2 })

        // ls1 is no longer bound here: its unknown-dst row goes, the rest stays.
        try await writer.removeMcastMacsLocal("unknown-dst", except: [ls0], tunnelIP: "10.2.2.1")
        #expect(await eventually { await client.replica.mcastMacsLocal.count == 2 })
        #expect(try rig.vtepctl("list-local-macs", "ls1").contains("00:00:5e:00:01:01"))
        #expect(try !rig.vtepctl("list-local-macs", "ls1").contains("unknown-dst"))
        #expect(try rig.vtepctl("list-local-macs", "ls0").contains("unknown-dst -> vxlan_over_ipv4/10.2.2.1"))
        try await writer.removeMcastMacsLocal("unknown-dst", except: [ls0], tunnelIP: "10.2.2.1")  // nothing left to do

        // VLAN 10 is unbound: its statistics go.
        try await writer.removeBindingStats(vlans: [10], port: p0)
        #expect(await eventually { await client.replica.bindingStats.count == 1 })
        #expect(try rig.vtepctl("get", "Physical_Port", "p0", "vlan_stats").hasPrefix("{0="))
        #expect(
            try rig.vtepctl("--columns=packets_from_local", "list", "Logical_Binding_Stats").replacingOccurrences(of: " ", with: "")
                == "packets_from_local:1")
    }
}
