import Foundation
import OVSDatapathNL
import TestSupport
import Testing

@testable import OVSDB
@testable import VTEPCompiler
@testable import VTEPModel
@testable import VTEPOffload

/// The whole pipeline in the VM: a real ovsdb-server set up with the seed
/// scenario's vtep-ctl commands, the OVSDB client, the compiler, the
/// reconciler and the real kernel, read back by ovs-dpctl and vtep-ctl.
extension KernelVTEPSuites {
    @Suite struct KernelSyncPassTests {
        static let datapathName = "kt-sync"
        func sh(_ command: String) throws -> String { try KernelTestRig.sh(command) }

        @Test func theSeedScenarioFromVtepCtlToKernelFlowsAndBack() async throws {
            let scratch = try KernelTestRig.ScratchDatapath(Self.datapathName, ports: ["kts0", "kts1"], vxlanPort: 4791)
            let (connection, datapath, p0, vxlan) = (scratch.connection, scratch.datapath, scratch.ports[0], scratch.vxlan!)

            let rig = try OVSDBServerRig()
            try rig.applySeedScenario(p0: "kts0", p1: "kts1")
            // A second switch bound with a VNI VXLAN cannot carry: a fault, and nothing else changes.
            try rig.vtepctl("add-ls", "broken")
            try rig.vtepctl("set", "Logical_Switch", "broken", "tunnel_key=16777216")
            try rig.vtepctl("bind-ls", "br0", "kts1", "0", "broken")

            let client = OVSDBClient<VTEPDatabase>(remotes: [rig.remote])
            let task = Task { await client.run() }
            defer { task.cancel() }
            try #require(await client.waitUntilSynced(timeout: .seconds(60)), "the client never synced")
            let vm1 = LocalMAC(mac: EthernetAddress("aa:00:00:00:00:01")!, port: "kts0", vlan: 0)
            let pass = SyncPass(
                client: client, reconciler: try Reconciler(connection: connection, datapath: datapath), switchName: "br0",
                vxlanPort: 4791)

            let first = try await pass.run(localMACs: [vm1])
            #expect(first.report.failures.isEmpty, "\(first.report.failures.map(\.description))")
            // The seed's 6, admissions of VXLAN from its two locators (10.2.2.2 and .3),
            // and a drop for kts1, whose only binding is faulty.
            #expect(first.report.added == 9)
            let flows = try sh("ovs-dpctl dump-flows \(Self.datapathName)")
            #expect(
                flows.contains(
                    "recirc_id(0),in_port(\(p0.portNumber)),eth(src=aa:00:00:00:00:01), packets:0, bytes:0, used:never, actions:recirc(0x1000021)"
                ))
            #expect(flows.contains("actions:set(tunnel(tun_id=0x21,src=10.2.2.1,dst=10.2.2.3,ttl=64,flags(df|key))),\(vxlan.portNumber)"))
            #expect(
                try rig.vtepctl("list-local-macs", "ls0") == """
                    ucast-mac-local
                      aa:00:00:00:00:01 -> vxlan_over_ipv4/10.2.2.1

                    mcast-mac-local
                      unknown-dst -> vxlan_over_ipv4/10.2.2.1
                    """)
            #expect(try rig.vtepctl("get", "Physical_Port", "kts1", "port_fault_status") == "[invalid_vlan_map]")
            #expect(try rig.vtepctl("get", "Physical_Port", "kts0", "port_fault_status") == "[]")

            // Nothing changed: nothing to do.
            #expect(try await pass.run(localMACs: [vm1]).report.changes == 0)

            // The remote MAC goes: exactly its flow goes. The fault is fixed: it clears.
            try rig.vtepctl("del-ucast-remote", "ls0", "00:11:22:33:44:55")
            try rig.vtepctl("set", "Logical_Switch", "broken", "tunnel_key=44")
            #expect(
                await eventually {
                    let db = await client.replica
                    return db.ucastMacsRemote.isEmpty && db.logicalSwitch(named: "broken")?.1.tunnelKey == 44
                })
            let third = try await pass.run(localMACs: [vm1])
            // The remote MAC's flow, the admission from 10.2.2.3 (no row names it any more),
            // and kts1's drop flow (kts1 now has a working untagged binding).
            #expect(third.report.deleted == 3)
            #expect(third.report.added == 2)  // broken's floods: from kts1, and from the tunnel
            #expect(try rig.vtepctl("get", "Physical_Port", "kts1", "port_fault_status") == "[]")
            #expect(try sh("ovs-dpctl show \(Self.datapathName)").contains("flows: \(first.report.added - 3 + 2)"))
        }
    }
}
