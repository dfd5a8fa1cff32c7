import ArgumentParser
import Foundation
import Logging
import OVSDatapathCore
import OVSDatapathNL
import OVSUnixctl
import VTEPCompiler
import VTEPOffload

/// `vtep-kdp status PS-NAME`: what a vtep-kdp serving PS-NAME holds and
/// would do, without changing anything. Its whole state is the VTEP
/// database plus the kernel's flows (learned MACs are read back from
/// them), so any process can show it — running daemon or not.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the bindings, learned MACs, faults and flows of a Physical_Switch, and what a sync would change (changes nothing).",
        discussion: """
            Each desired flow is printed in ovs-dpctl notation after its identity (the text \
            its UFID is derived from) and a mark: '=' installed as desired, '+' missing, \
            '~' installed with other actions; '-' lines are installed flows a sync would delete.
            """)

    @Argument(help: "The Physical_Switch (vtep-ctl add-ps NAME).") var physicalSwitch: String
    @Option(help: "OVSDB remote of the VTEP database.") var db = "unix:/var/run/openvswitch/db.sock"
    @OptionGroup(title: "TLS (ssl: remotes)") var tls: TLSOptions
    @Option(help: "Datapath name.") var datapath = "ovs-system"
    @Option(help: "Seconds to wait for the database.") var timeout = 10
    @Flag(help: "Print the flows too, not only the summary.") var flows = false
    @Flag(
        help: "Work it out from the database and the kernel even when a vtep-kdp runs (otherwise its control socket is asked).")
    var offline = false
    @Option(
        help: ArgumentHelp("The running daemon's control socket (default: found through $OVS_RUNDIR/vtep-kdp.pid).", valueName: "SOCKET"))
    var unixctl: String?

    func run() async throws {
        if !offline, let answer = askRunningDaemon() {
            print(answer, terminator: "")
            return
        }
        var logger = Logger(label: "vtep-kdp")
        logger.logLevel = .error
        let session = try await DatabaseSession(remote: db, tls: tls.files, timeout: timeout, logger: logger)
        defer { session.close() }

        let connection = try DatapathConnection()
        let datapath = try connection.datapath(named: self.datapath)
        // The learned state is the kernel's: read back from its flows.
        var learned = LearnedState()
        try learned.recover(from: connection, datapath: datapath)
        let reconciler = try Reconciler(connection: connection, datapath: datapath, logger: logger)
        let pass = SyncPass(client: session.client, reconciler: reconciler, switchName: physicalSwitch)
        let dryRun: SyncPass.DryRun
        do {
            dryRun = try await pass.dryRun(localMACs: learned.localMACs, missFacts: learned.facts)
        } catch let error as SyncPass.DryRunError {
            throw ValidationError(error.description)
        }
        let (state, installed, diff, tunnel) = (dryRun.state, dryRun.installed, dryRun.diff, dryRun.tunnel)

        print("\(physicalSwitch) on datapath \(self.datapath) (VXLAN port \(tunnel.portNumber): \(tunnel.name))")
        print("bindings:")
        for binding in state.bindings { print("  \(binding)") }
        if state.bindings.isEmpty { print("  (none)") }
        print("local MACs (learned, read back from the kernel's flows):")
        for local in learned.localMACs.sorted(by: { ($0.port, $0.vlan, $0.mac) < ($1.port, $1.vlan, $1.mac) }) {
            print("  \(local.mac) on \(local.port)\(local.vlan == 0 ? "" : " vlan \(local.vlan)")")
        }
        if learned.localMACs.isEmpty { print("  (none)") }
        let facts = learned.facts
        print(
            "misses remembered: \(facts.unknownDestinations.count) unknown destinations flooded, "
                + "\(facts.unboundTagged.count) unbound VLAN/EtherTypes and \(facts.unknownVNIs.count) foreign VNIs dropped")
        let rejected = facts.rejectedTunnels.sorted { $0.description < $1.description }
        print("VXLAN senders dropped (no locator of the VNI, or not to our tunnel IP): \(rejected.isEmpty ? "none" : "")")
        for sender in rejected {
            let identity = MissDecision.rejectedTunnel(sender).flowIdentities(tunnelPort: tunnel.portNumber) { _ in nil }
            let packets = identity.first.flatMap { installed[FlowUFID(deriving: $0)]?.stats.packets } ?? 0
            print("  \(sender): \(packets) frames dropped in the kernel")
        }
        print(
            "faults: switch \(state.switchFaults.sorted()), ports \(state.portFaults.mapValues { $0.sorted() }.sorted { $0.key < $1.key })")
        for problem in state.problems { print("problem: \(problem)") }
        print(
            "flows: \(state.flows.count) desired, \(installed.count) installed; a sync would add \(diff.additions.count), "
                + "modify \(diff.modifications.count), delete \(diff.deletions.count)")
        guard flows else { return }
        let modified = Set(diff.modifications.compactMap(\.ufid))
        for compiled in state.flows.values.sorted(by: { $0.identity < $1.identity }) {
            let mark = installed[compiled.flow.ufid!] == nil ? "+" : modified.contains(compiled.flow.ufid!) ? "~" : "="
            print(
                "\(mark) [\(compiled.identity)] \(FlowFormatter.formatMatch(key: compiled.flow.key, mask: compiled.flow.mask)), actions:\(FlowFormatter.formatActions(compiled.flow.actions))"
            )
        }
        for ufid in diff.deletions { print("- ufid:\(ufid) actions:\(FlowFormatter.formatActions(installed[ufid]?.actions ?? []))") }
    }
}

extension StatusCommand {
    /// The running daemon's own account (`vtep/status`, and its flows with
    /// `--flows`), when its control socket answers; nil otherwise.
    func askRunningDaemon() -> String? {
        guard let path = unixctl ?? UnixctlClient.socketPath(program: "vtep-kdp", rundir: ControlSocket.rundir),
            let status = try? UnixctlClient.call(path, "vtep/status")
        else { return nil }
        var text = "asked the running vtep-kdp (\(path)):\n" + status
        if flows, let dump = try? UnixctlClient.call(path, "vtep/dump-flows") { text += "flows in the kernel:\n" + dump }
        return text
    }
}
