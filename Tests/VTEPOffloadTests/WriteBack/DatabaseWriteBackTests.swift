import Foundation
import Logging
import TestSupport
import Testing

@testable import OVSDB
@testable import VTEPCompiler
@testable import VTEPModel
@testable import VTEPOffload

/// The daemon's write-back against a real ovsdb-server that goes away.
@Suite(.serialized, .timeLimit(.minutes(3))) struct DatabaseWriteBackTests {
    /// A write-back that fails (the server is down) is tried again on its
    /// own — no later pass asks for it — and lands once the server is back.
    @Test func aFailedWriteBackIsRetriedOnItsOwnSchedule() async throws {
        let rig = try OVSDBServerRig()
        try rig.applySeedScenario()
        var options = OVSDBClient<VTEPDatabase>.Options()
        options.transactTimeout = .seconds(1)
        options.maxBackoff = .milliseconds(300)
        let client = OVSDBClient<VTEPDatabase>(remotes: [rig.remote], options: options)
        let task = Task { await client.run() }
        defer { task.cancel() }
        try #require(await client.waitUntilSynced(timeout: .seconds(60)), "the client never synced")

        // What a pass would report: the seed's binding and one learned MAC.
        let vm1 = LocalMAC(mac: EthernetAddress("aa:00:00:00:00:01")!, port: "p0", vlan: 0)
        let state = VTEPCompiler.compile(
            CompilerInput(
                database: await client.replica, switchName: "br0", portNumbers: ["p0": 1, "p1": 2], tunnelPort: 3, localMACs: [vm1]))
        try #require(state.bindings.count == 1)
        let outcome = SyncPass.Outcome(
            findings: state.findings, flowCount: state.flows.count, report: Reconciler.Report(), portNumbers: ["p0": 1, "p1": 2],
            tunnelPort: 3, ports: PortInventory.Plan(ports: ["p0", "p1"]), localMACs: [vm1])

        var logger = Logger(label: "test.write-back")
        logger.logLevel = .critical
        let writeBack = DatabaseWriteBack(writer: PassWriteBack(client: client, switchName: "br0"), logger: logger)
        let running = Task { await writeBack.run() }
        defer { running.cancel() }

        rig.stop()
        await writeBack.request(outcome)  // fails: nobody to write to
        try await Task.sleep(for: .seconds(3))
        try rig.start()
        let landed = await eventually(60) {
            (try? rig.vtepctl("list-local-macs", "ls0").contains("aa:00:00:00:00:01")) == true
        }
        #expect(landed, "the write-back was not retried by itself")
    }
}
