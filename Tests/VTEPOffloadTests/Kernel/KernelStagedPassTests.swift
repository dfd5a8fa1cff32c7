import Foundation
import OVSDatapathNL
import TestSupport
import Testing

@testable import OVSDB
@testable import VTEPCompiler
@testable import VTEPModel
@testable import VTEPOffload

/// A bulk change — 10,000 remote MACs in one transaction — goes to the
/// kernel in parts while the rest compiles (`StagedReconcile`). Whatever the
/// parts, the kernel must end holding exactly one flow per MAC, as
/// `ovs-dpctl` reads it, and a bulk delete must take them all away again.
extension KernelVTEPSuites {
    @Suite struct KernelStagedPassTests {
        static let datapathName = "kt-stage"
        static let count = 10_000

        @Test func aBulkCommitIsInstalledInPartsAndRemovedInParts() async throws {
            let scratch = try KernelTestRig.ScratchDatapath(Self.datapathName, ports: ["ktg0", "ktg1"], vxlanPort: 4799)
            let rig = try OVSDBServerRig()
            try rig.applySeedScenario(p0: "ktg0", p1: "ktg1")
            let client = OVSDBClient<VTEPDatabase>(remotes: [rig.remote])
            let task = Task { await client.run() }
            defer { task.cancel() }
            try #require(await client.waitUntilSynced(timeout: .seconds(60)), "the client never synced")
            let pass = SyncPass(
                client: client, reconciler: try Reconciler(connection: scratch.connection, datapath: scratch.datapath),
                switchName: "br0", vxlanPort: 4799, overlapsBulkChanges: true)

            var compiler = IncrementalCompiler()
            var inventory = PortInventory()
            let first = try await pass.program(
                localMACs: [], missFacts: MissFacts(), compiler: &compiler, inventory: &inventory, changedRemoteRows: nil)
            let seedFlows = first.flowCount
            #expect(first.report.failures.isEmpty && first.stages == 0)

            let db = await client.replica
            let (ls0, _) = try #require(db.logicalSwitch(named: "ls0"))
            let locator = try #require(db.locators.rows.first { $0.value.dstIP == "10.2.2.3" }?.key)
            let macs = (0..<Self.count).map { String(format: "0a:00:00:00:%02x:%02x", $0 >> 8, $0 & 0xff) }
            let inserted = try await client.transact(
                macs.map { mac in
                    OVSDBOperation.insert(
                        "Ucast_Macs_Remote", [("MAC", .string(mac)), ("logical_switch", ls0.json), ("locator", locator.json)])
                }
            ).compactMap(\.uuid)
            #expect(inserted.count == Self.count)
            #expect(await eventually(30) { await client.replica.ucastMacsRemote.count == Self.count + 1 })

            let added = try await pass.program(
                localMACs: [], missFacts: MissFacts(), compiler: &compiler, inventory: &inventory, changedRemoteRows: Set(inserted))
            #expect(added.report.failures.isEmpty, "\(added.report.failures.map(\.description))")
            #expect(added.stages == 2, "10,000 rows: two parts of 4,096, the rest with the frame")
            #expect(added.stageLanes == 2, "the two parts on two sockets at once")
            #expect(added.report.added == Self.count)
            #expect(added.flowCount == seedFlows + Self.count)
            let show = try KernelTestRig.sh("ovs-dpctl show \(Self.datapathName)")
            #expect(show.contains("flows: \(seedFlows + Self.count)"), "\(show)")
            let dump = try KernelTestRig.sh("ovs-dpctl dump-flows \(Self.datapathName)")
            let remoteFlows = dump.split(separator: "\n").filter {
                $0.contains("eth(dst=0a:00:00:00:")
                    && $0.hasSuffix(
                        "actions:set(tunnel(tun_id=0x21,src=10.2.2.1,dst=10.2.2.3,ttl=64,flags(df|key))),\(scratch.vxlan!.portNumber)")
            }
            #expect(remoteFlows.count == Self.count)
            let destinations = Set(remoteFlows.compactMap { line in line.range(of: "eth(dst=").map { line[$0.upperBound...].prefix(17) } })
            #expect(destinations == Set(macs.map { Substring($0) }))

            // All of them go in one transaction: removed in parts too.
            _ = try await client.transact(inserted.map { OVSDBOperation.delete("Ucast_Macs_Remote", where: OVSDBOperation.whereUUID($0)) })
            #expect(await eventually(30) { await client.replica.ucastMacsRemote.count == 1 })
            let removed = try await pass.program(
                localMACs: [], missFacts: MissFacts(), compiler: &compiler, inventory: &inventory, changedRemoteRows: Set(inserted))
            #expect(removed.report.failures.isEmpty && removed.stages == 2 && removed.report.deleted == Self.count)
            #expect(try KernelTestRig.sh("ovs-dpctl show \(Self.datapathName)").contains("flows: \(seedFlows)"))
        }
    }
}
