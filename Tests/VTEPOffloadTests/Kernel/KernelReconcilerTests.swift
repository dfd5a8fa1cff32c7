import Foundation
import OVSDatapathCore
import OVSDatapathNL
import TestSupport
import Testing

@testable import VTEPCompiler
@testable import VTEPOffload

/// The compiler's flows through the reconciler into the real kernel
/// (in the VM), with ovs-dpctl as the independent reader: the kernel takes
/// every flow; a restarted reconciler changes nothing; one database change
/// costs exactly its flows.
extension KernelVTEPSuites {
    @Suite struct KernelReconcilerTests {
        static let datapathName = "kt-rec"
        func sh(_ command: String) throws -> String { try KernelTestRig.sh(command) }

        func dpctlFlowCount() throws -> Int {
            try sh("ovs-dpctl dump-flows \(Self.datapathName)").split(separator: "\n").count
        }

        @Test func compiledFlowsLandAndARestartChangesNothing() throws {
            let scratch = try KernelTestRig.ScratchDatapath(Self.datapathName, ports: ["ktr0", "ktr1"], vxlanPort: 4790)
            let (connection, datapath, vxlan) = (scratch.connection, scratch.datapath, scratch.vxlan!)
            let (p0, p1) = (scratch.ports[0], scratch.ports[1])

            var seed = SeedScenario()
            var p1Row = seed.db.physicalPorts[seed.p1]!
            p1Row.vlanBindings = [0: seed.ls0]
            seed.db.physicalPorts.set(seed.p1, p1Row)
            for i in 0..<200 { seed.addUcastRemote(String(format: "0a:00:00:00:%02x:%02x", i >> 8, i & 0xff), "10.2.2.\(3 + i % 5)") }
            func compile() -> DesiredDatapathState {
                VTEPCompiler.compile(
                    CompilerInput(
                        database: seed.db, switchName: "br0", portNumbers: ["p0": p0.portNumber, "p1": p1.portNumber],
                        tunnelPort: vxlan.portNumber, localMACs: [SeedScenario.vm1]))
            }

            let desired = compile()
            #expect(desired.problems.isEmpty)
            let reconciler = try Reconciler(connection: connection, datapath: datapath)
            let first = reconciler.reconcile(desired.flows)
            #expect(first.failures.isEmpty, "the kernel refused: \(first.failures.map(\.description))")
            #expect(first.added == desired.flows.count)
            #expect(try dpctlFlowCount() == desired.flows.count)

            // A restart: a new reconciler reads the kernel and finds nothing to do.
            let restarted = try Reconciler(connection: DatapathConnection(), datapath: datapath)
            #expect(restarted.installed.count == desired.flows.count)
            let second = restarted.reconcile(compile().flows)
            #expect(second.changes == 0 && second.failures.isEmpty)

            // One remote MAC deleted: exactly its flow goes.
            let row = seed.db.ucastMacsRemote.rows.first { $0.value.mac == "00:11:22:33:44:55" }!.key
            seed.db.ucastMacsRemote.set(row, nil)
            let third = restarted.reconcile(compile().flows)
            #expect(third.deleted == 1 && third.added == 0 && third.modified == 0)
            #expect(try dpctlFlowCount() == desired.flows.count - 1)

            // A remote MAC becomes local where the operator allows takeover: the same
            // match, so one modified flow (its tunnel-ingress delivery is new), never
            // two overlapping ones.
            let moved = LocalMAC(mac: EthernetAddress("0a:00:00:00:00:07")!, port: "p1", vlan: 0)
            let fourth = restarted.reconcile(
                VTEPCompiler.compile(
                    CompilerInput(
                        database: seed.db, switchName: "br0", portNumbers: ["p0": p0.portNumber, "p1": p1.portNumber],
                        tunnelPort: vxlan.portNumber, localMACs: [SeedScenario.vm1, moved],
                        allowsRemoteMACTakeover: true)
                ).flows)
            #expect(fourth.failures.isEmpty, "\(fourth.failures.map(\.description))")
            #expect(fourth.modified == 1 && fourth.added == 2 && fourth.deleted == 0)  // + stage 1 and tunnel delivery
            let printed = try sh("ovs-dpctl dump-flows \(Self.datapathName)").split(separator: "\n")
            let delivery = printed.first { $0.hasPrefix("recirc_id(0x1000021),") && $0.contains("eth(dst=0a:00:00:00:00:07)") }
            #expect(delivery?.hasSuffix("actions:\(p1.portNumber)") == true, "\(delivery ?? "no flow")")
        }

        /// ENOBUFS on the command socket (issue 20, point 6). A successful
        /// flow operation has no reply, so the queue fills only with errors:
        /// here 3,000 deletions of flows someone else already removed
        /// (`ovs-dpctl del-flows`), each answered ENOENT, into a receive
        /// queue shrunk to a few KiB. The kernel drops replies; the
        /// reconciler cannot know which operations took, so it reads the
        /// kernel's flows again and applies what is still missing, and the
        /// kernel ends up holding exactly the desired flows.
        @Test func repliesTheKernelCouldNotQueueMakeTheReconcilerReadTheKernelAgain() throws {
            let scratch = try KernelTestRig.ScratchDatapath("kt-nobuf", ports: ["ktn0", "ktn1"], vxlanPort: 4803)
            let ports = ["p0": scratch.ports[0].portNumber, "p1": scratch.ports[1].portNumber]
            var seed = SeedScenario()
            func compile() -> DesiredDatapathState {
                VTEPCompiler.compile(
                    CompilerInput(
                        database: seed.db, switchName: "br0", portNumbers: ports, tunnelPort: scratch.vxlan!.portNumber,
                        localMACs: [SeedScenario.vm1]))
            }
            let base = compile()
            for i in 0..<3_000 { seed.addUcastRemote(String(format: "0e:00:00:00:%02x:%02x", i >> 8, i & 0xff), "10.2.2.3") }
            let reconciler = try Reconciler(connection: scratch.connection, datapath: scratch.datapath)
            #expect(reconciler.reconcile(compile().flows).failures.isEmpty)

            // Behind its back, every flow goes; then the 3,000 remote MACs are deleted in the database.
            try sh("ovs-dpctl del-flows kt-nobuf")
            var small: Int32 = 2048
            #expect(setsockopt(scratch.connection.socket.fileDescriptor, SOL_SOCKET, SO_RCVBUF, &small, 4) == 0)
            let report = reconciler.reconcile(base.flows)
            let count = try sh("ovs-dpctl dump-flows kt-nobuf").split(separator: "\n").count
            print("command socket overflow: \(report), the kernel holds \(count) of \(base.flows.count) flows")
            #expect(report.resynced, "the queue never overflowed: the test proves nothing")
            #expect(report.failures.isEmpty, "\(report.failures.map(\.description))")
            #expect(count == base.flows.count)
            #expect(reconciler.installed.count == base.flows.count)
        }
    }
}
