import Foundation
import TestSupport
import Testing

@testable import OVSDB
@testable import VTEPModel
@testable import VTEPOffload

/// Issue 26, point 5: the client accepts hardware_vtep ≥ 1.3 but monitored
/// columns added later, so an older server refused the monitor and the
/// client never synchronised. Now it monitors what the server's schema has,
/// says once what is missing, and the write-back leaves those columns alone.
@Suite(.serialized, .timeLimit(.minutes(3))) struct OlderSchemaTests {
    /// The real vtep.ovsschema as version 1.3.0, without the fault-status
    /// columns and Logical_Switch's replication_mode.
    static func olderSchema(in directory: String) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: OVSDBServerRig.schema))
        var schema = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var tables = try #require(schema["tables"] as? [String: [String: Any]])
        for (table, column) in [
            ("Physical_Switch", "switch_fault_status"), ("Physical_Port", "port_fault_status"), ("Logical_Switch", "replication_mode"),
        ] {
            var columns = try #require(tables[table]?["columns"] as? [String: Any])
            columns[column] = nil
            tables[table]?["columns"] = columns
        }
        schema["tables"] = tables
        schema["version"] = "1.3.0"
        let path = directory + "/vtep-1.3.ovsschema"
        try JSONSerialization.data(withJSONObject: schema).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func anOlderServerIsMonitoredForWhatItHasAndNotWrittenWhatItLacks() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("vtep-kdp-schema-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let rig = try OVSDBServerRig(schema: try Self.olderSchema(in: scratch))
        try rig.vtepctl("add-ps", "br0")
        try rig.vtepctl("add-port", "br0", "p0")
        try rig.vtepctl("add-ls", "ls0")
        try rig.vtepctl("set", "Logical_Switch", "ls0", "tunnel_key=33")
        let (client, task) = rig.startClient()
        defer { task.cancel() }
        try #require(await client.waitUntilSynced(timeout: .seconds(60)), "the client never synced with a 1.3 schema")
        #expect(await client.replica.logicalSwitch(named: "ls0")?.1.tunnelKey == 33)
        #expect(await client.missingColumns["Physical_Port"] == ["port_fault_status"])
        #expect(await client.missingColumns["Logical_Switch"] == ["replication_mode"])

        // Faults are not written to columns the server lacks: no transaction error.
        let writer = VTEPWriter(client: client)
        let p0 = try #require(await client.replica.physicalPorts.rows.first { $0.value.name == "p0" }?.key)
        let (br0, _) = try #require(await client.replica.physicalSwitch(named: "br0"))
        try await writer.setPortFaults(["invalid_vlan_map"], port: p0)
        try await writer.setSwitchFaults(["unspecified_fault"], switch: br0)
        // What it has is written as before.
        let (ls0, _) = try #require(await client.replica.logicalSwitch(named: "ls0"))
        try await writer.setMcastMacLocal("unknown-dst", logicalSwitch: ls0, tunnelIPs: ["10.2.2.1"])
        #expect(try rig.vtepctl("list-local-macs", "ls0").contains("unknown-dst -> vxlan_over_ipv4/10.2.2.1"))
    }
}
