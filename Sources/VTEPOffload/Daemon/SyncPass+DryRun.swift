import OVSDatapathCore
import OVSDatapathNL
import VTEPCompiler

extension SyncPass {
    /// What a pass would do, without doing it: the desired state compiled
    /// from the replica as it is, and how it differs from the kernel's flows.
    public struct DryRun: Sendable {
        /// Everything the pass would want, flows included.
        public var state: DesiredDatapathState
        /// The kernel's flows as the reconciler read them (actions only).
        public var installed: [FlowUFID: Flow]
        /// What a reconcile would add, modify and delete.
        public var diff: FlowDiff
        /// The datapath's VXLAN port.
        public var tunnel: Vport
    }

    /// Why a dry run cannot say anything.
    public enum DryRunError: Error, CustomStringConvertible {
        /// The datapath has no VXLAN port: no vtep-kdp has served it.
        case noTunnelPort(datapath: String)
        /// A line for the CLI.
        public var description: String {
            switch self {
            case .noTunnelPort(let datapath): "\(datapath) has no VXLAN port yet: no vtep-kdp has served it"
            }
        }
    }

    /// The pass's own compile and diff, with the datapath's ports as they
    /// are (none is added) and no write to the kernel or the database.
    /// - Throws: `DryRunError.noTunnelPort`, or the kernel's `NetlinkError`.
    public func dryRun(localMACs: [LocalMAC], missFacts: MissFacts, isolation: isolated (any Actor)? = #isolation) async throws -> DryRun {
        let database = await client.replica
        let vports = try reconciler.vports()
        guard let tunnel = vports.vxlanTunnel else { throw DryRunError.noTunnelPort(datapath: reconciler.datapath.name) }
        let state = VTEPCompiler.compile(
            CompilerInput(
                database: database, switchName: switchName, portNumbers: vports.portNumbersByName, tunnelPort: tunnel.portNumber,
                localMACs: localMACs, missFacts: missFacts, allowsRemoteMACTakeover: allowsRemoteMACTakeover))
        return DryRun(
            state: state, installed: reconciler.installed, diff: FlowDiff(desired: state.flows, installed: reconciler.installed),
            tunnel: tunnel)
    }
}
