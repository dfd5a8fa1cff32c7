import ArgumentParser
import Foundation
import Logging
import OVSDatapathCore
import OVSDatapathNL
import VTEPCompiler
import VTEPOffload

/// `vtep-kdp sync PS-NAME`: one pass of the daemon's pipeline — read the
/// VTEP database, compile, reconcile the kernel, write back what ovs-vtep
/// writes — then exit. The long-running daemon (issue 5) runs this pass on
/// every change. MACs learned by a running vtep-kdp are read back from the
/// kernel's flows and kept; more can be declared with `--local-mac`.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Make the datapath match the VTEP database once, and write back ports, local MACs and faults.",
        discussion: """
            The datapath must exist with the Physical_Switch's ports and a VXLAN port \
            (vtep-kdp demo makes one). Prints what it changed, then the flows in ovs-dpctl \
            notation.
            """)

    @Argument(help: "The Physical_Switch this host is (vtep-ctl add-ps NAME).") var physicalSwitch: String
    @Option(help: "OVSDB remote of the VTEP database (unix:FILE, tcp:IP:PORT, ssl:IP:PORT).")
    var db = "unix:/var/run/openvswitch/db.sock"
    @OptionGroup(title: "TLS (ssl: remotes)") var tls: TLSOptions
    @Option(help: "Datapath name.") var datapath = "ovs-system"
    @Option(
        name: .customLong("local-mac"),
        help: ArgumentHelp("A local MAC and the port it is behind, as MAC@PORT (repeatable).", valueName: "MAC@PORT"))
    var localMACs: [LocalMAC] = []
    @Option(help: "Seconds to wait for the database.") var timeout = 10

    func run() async throws {
        var logger = Logger(label: "vtep-kdp")
        logger.logLevel = .warning
        let session = try await DatabaseSession(remote: db, tls: tls.files, timeout: timeout, logger: logger)
        defer { session.close() }
        let client = session.client

        let connection = try DatapathConnection()
        let datapath = try connection.datapath(named: self.datapath)
        // What a running (or earlier) vtep-kdp learned stays: read it back from the kernel.
        var learned = LearnedState()
        try learned.recover(from: connection, datapath: datapath)
        let reconciler = try Reconciler(connection: connection, datapath: datapath, logger: logger)
        let outcome = try await SyncPass(client: client, reconciler: reconciler, switchName: physicalSwitch)
            .run(localMACs: localMACs + learned.localMACs, missFacts: learned.facts)
        let report = outcome.report
        for problem in outcome.findings.problems { print("problem: \(problem)") }
        print("sync: \(outcome.findings.bindings.count) bindings, \(outcome.flowCount) flows desired; \(report)")
        for failure in report.failures { print("failed: \(failure)") }
        if !report.failures.isEmpty { throw ExitCode(1) }
    }
}
