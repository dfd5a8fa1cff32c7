import Logging
import OVSDatapathNL

/// The only writer to the kernel's flow table. It remembers what it
/// installed (UFID → actions), turns each new desired state into the
/// smallest batch of operations, and re-reads the kernel whenever it cannot
/// be sure of that memory: at start (so a restart changes nothing that is
/// already right) and after the kernel dropped a reply (ENOBUFS).
public final class Reconciler {
    /// The reconciler's own socket: nothing else writes through it.
    let connection: DatapathConnection
    /// The datapath it writes to (made again, with a new ifindex, if it
    /// was deleted under us: see `recreateDatapath`).
    public private(set) var datapath: Datapath
    /// Where the datapath sends its misses: what a re-created one is given.
    public let upcalls: UpcallDestination

    /// The netlink port a flow's `userspace()` action names (0: none listens).
    public var upcallPortID: UInt32 {
        switch upcalls {
        case .none: 0
        case .perCPU(let ports): ports.first ?? 0
        case .perVport(let port): port
        }
    }
    let logger: Logger
    /// What the kernel holds, as far as we know: UFID → flow (actions only).
    public internal(set) var installed: [FlowUFID: Flow] = [:]
    /// After a (re)read of the kernel every flow is compared once, so flows
    /// nobody wants any more (left by an earlier run) are found and deleted.
    private var wholeDiffDue = true
    /// Flows whose last operation failed: compared again on every call
    /// until it succeeds.
    public private(set) var failed: Set<FlowUFID> = []
    /// A staged reconcile lost a reply: the next `reconcile` re-reads the
    /// kernel before anything else.
    var resyncDue = false
    /// A second socket for staged reconciles, opened on first use; nil
    /// until then, and for good if it could not be opened.
    private var stagingConnection: DatapathConnection?
    private var stagingConnectionTried = false

    /// A reconciler writing to `datapath` through `connection`; it reads the
    /// kernel's flows at once, so a restart changes nothing that is already
    /// right.
    /// - Throws: `NetlinkError` when the first dump of the flows fails.
    /// `upcalls` is where a datapath made again after a deletion sends its misses.
    public init(
        connection: DatapathConnection, datapath: Datapath, upcalls: UpcallDestination = .none,
        logger: Logger = Logger(label: "vtep-kdp.reconciler")
    ) throws(NetlinkError) {
        self.connection = connection
        self.datapath = datapath
        self.upcalls = upcalls
        self.logger = logger
        try resync()
    }

    /// Whether `error` means the datapath is gone: deleted (ENODEV), or
    /// gone with its openvswitch module, unloaded and loaded again since
    /// the families were resolved (the kernel answers requests to the old
    /// family ids with ENOENT, which is what a caller sees first; then the
    /// families are resolved again). Asks the kernel on an ENOENT (a few
    /// small requests), so it is for after a failure.
    public func loss(from error: NetlinkError) -> DatapathLoss? {
        if error.errno == ENODEV { return .deleted }
        guard error.errno == ENOENT, (try? connection.refreshFamilies()) == true else { return nil }
        return .moduleReloaded
    }

    /// How a datapath went away under us.
    public enum DatapathLoss: Sendable {
        /// `ovs-dpctl del-dp` or another program deleted it.
        case deleted
        /// The openvswitch module was reloaded, taking every datapath with it.
        case moduleReloaded
    }

    /// Makes the datapath again under its name, with the same upcall
    /// destination, and forgets what was installed (nothing is, in a new
    /// datapath): the next reconcile installs every flow.
    /// - Throws: the kernel's `NetlinkError` when the datapath cannot be made.
    public func recreateDatapath() throws(NetlinkError) {
        try connection.refreshFamilies()
        // A second socket made before a module reload would speak to the old families.
        stagingConnection = nil
        stagingConnectionTried = false
        do {
            datapath = try connection.createDatapath(name: datapath.name, upcalls: upcalls)
        } catch let error where error.errno == EEXIST {
            // Someone made it again first: adopt it, with our upcalls.
            datapath = try connection.setUpcalls(of: connection.datapath(named: datapath.name), to: upcalls)
        }
        failed = []
        resyncDue = false
        try resync()
    }

    /// Sockets besides `connection` that a `StagedReconcile` may run
    /// stages on (none when a second socket cannot be opened: the stages
    /// then take turns on the one).
    func stagingConnections() -> [DatapathConnection] {
        if !stagingConnectionTried {
            stagingConnectionTried = true
            do throws(NetlinkError) { stagingConnection = try DatapathConnection() } catch {
                logger.warning("reconciler: no second netlink socket for bulk changes (\(error)); using one")
            }
        }
        return stagingConnection.map { [$0] } ?? []
    }

    /// Sends missed frames on: each runs its actions in the kernel as if it
    /// had just arrived, in one netlink batch. One result per frame.
    public func sendOn(_ frames: [DatapathConnection.PacketExecution]) -> [Result<Void, NetlinkError>] {
        connection.execute(frames, in: datapath)
    }

    /// Reads back into `learned` what an earlier vtep-kdp learned, from the
    /// kernel's flows (see `LearnedState.recover`).
    @discardableResult
    public func recover(into learned: inout LearnedState) throws(NetlinkError) -> [Flow] {
        try learned.recover(from: connection, datapath: datapath)
    }

    /// Re-reads every flow's UFID and actions from the kernel.
    public func resync() throws(NetlinkError) {
        connection.socket.discardPending()
        stagingConnection?.socket.discardPending()
        var flows: [FlowUFID: Flow] = [:]
        try connection.dumpFlows(in: datapath, omit: [.key, .mask]) { flow in
            if let ufid = flow.ufid { flows[ufid] = flow }
        }
        installed = flows
        wholeDiffDue = true
        logger.info("reconciler: \(flows.count) flows in \(datapath.name)")
    }

    /// The datapath's ports as they are.
    public func vports() throws(NetlinkError) -> [Vport] {
        try connection.vports(of: datapath)
    }

    /// Brings the datapath's ports in line with `inventory` — what the
    /// database's switch lists (`databasePorts`) and the datapath's own
    /// network-device ports, joined or left on either side — and makes
    /// sure it has a VXLAN port. Returns the port numbers by name, the
    /// VXLAN port's, and the plan carried out (its rows are the
    /// write-back's to add and delete).
    public func ensurePorts(
        _ databasePorts: Set<String>, inventory: inout PortInventory, vxlanPort: UInt16 = VXLANNaming.defaultPort
    ) throws(NetlinkError) -> (ports: [String: UInt32], tunnel: UInt32, plan: PortInventory.Plan) {
        var vports = try connection.vports(of: datapath)
        // Kept only once carried out: a failure half-way plans again from where it was.
        var next = inventory
        let plan = next.plan(
            datapath: Set(vports.filter(\.isSwitchPort).map(\.name)), database: databasePorts,
            deviceExists: { if_nametoindex($0) != 0 })
        // One port the kernel refuses (a loopback, a device of another
        // datapath) must not stop the others, or the flows: it is logged,
        // left out, and tried again at the next pass.
        for name in plan.removeFromDatapath {
            guard let index = vports.firstIndex(where: { $0.name == name }) else { continue }
            do {
                try connection.deleteVport(vports[index])
                vports.remove(at: index)
                logger.info("reconciler: removed port \(name) from \(datapath.name): its Physical_Port row was deleted")
            } catch {
                next.stayed(name)
                logger.warning("reconciler: could not remove port \(name) from \(datapath.name): \(error)")
            }
        }
        for name in plan.addToDatapath {
            do {
                vports.append(try connection.addVport(to: datapath, name: name, spec: .netdev))
                logger.info("reconciler: added port \(name) to \(datapath.name): the database lists it")
            } catch {
                next.notAdded(name)
                logger.warning("reconciler: could not add port \(name) to \(datapath.name): \(error)")
            }
        }
        let tunnel: Vport
        if let existing = vports.vxlanTunnel {
            tunnel = existing
        } else {
            let (added, method) = try connection.addVXLANPort(to: datapath, destinationPort: vxlanPort)
            logger.info("reconciler: added VXLAN port \(added.name) (\(method)) to \(datapath.name)")
            tunnel = added
            vports.append(added)
        }
        inventory = next
        var carriedOut = plan
        carriedOut.ports = plan.ports.filter { name in vports.contains { $0.name == name } }
        return (vports.portNumbersByName, tunnel.portNumber, carriedOut)
    }

    /// What a reconcile (or a staged part of one) did to the kernel.
    public struct Report: Sendable, CustomStringConvertible {
        public var added = 0, modified = 0, deleted = 0
        /// The operations the kernel refused; each is retried on the next reconcile.
        public var failures: [NetlinkError] = []
        /// Whether a lost reply (ENOBUFS) made the reconciler read the kernel's
        /// flows again and make one more pass; the counts are that pass's.
        public var resynced = false
        /// All operations that succeeded: added, modified and deleted together.
        public var changes: Int { added + modified + deleted }
        /// Counts another report's operations in with these (its failures
        /// are the caller's to keep or not).
        mutating func addCounts(of other: Report) {
            added += other.added
            modified += other.modified
            deleted += other.deleted
        }
        /// `3 added, 0 modified, 0 deleted`, with the failures and a resync if any.
        public var description: String {
            "\(added) added, \(modified) modified, \(deleted) deleted" + (failures.isEmpty ? "" : ", \(failures.count) failed")
                + (resynced ? " (after a resync)" : "")
        }
    }

    /// Makes the kernel hold exactly `desired`. With `changed` (from
    /// `IncrementalCompiler`) only those flows, and those that failed
    /// before, are compared; without it, all of them. Each failed operation
    /// is reported and left for the next call to retry; a lost reply
    /// triggers a resync and one more pass.
    @discardableResult
    public func reconcile(_ desired: [FlowUFID: CompiledFlow], changed: Set<FlowUFID>? = nil) -> Report {
        var report = resyncDue ? Report() : apply(diff(desired, changed))
        let lost = report.failures.filter { $0.cause == .resyncNeeded }.count
        if resyncDue || lost > 0 {
            if lost > 0 {
                logger.warning(
                    "reconciler: the kernel's replies overflowed our queue (ENOBUFS); \(lost) operations' outcomes are unknown, reading its flows again"
                )
            }
            resyncDue = false
            do throws(NetlinkError) {
                try resync()
                var again = apply(diff(desired, nil))
                again.resynced = true
                report = again
            } catch {
                resyncDue = true
                report.failures.append(error)
            }
        }
        return report
    }

    private func diff(_ desired: [FlowUFID: CompiledFlow], _ changed: Set<FlowUFID>?) -> FlowDiff {
        guard let changed, !wholeDiffDue else {
            wholeDiffDue = false
            return FlowDiff(desired: desired, installed: installed)
        }
        return FlowDiff(desired: desired, installed: installed, only: failed.isEmpty ? changed : changed.union(failed))
    }

    private func apply(_ diff: FlowDiff) -> Report {
        guard !diff.isEmpty else { return Report() }
        let operations = diff.operations
        return record(operations, connection.execute(operations, in: datapath))
    }

    /// Takes the kernel's answers to `operations` into what we know it holds.
    func record(_ operations: [FlowOperation], _ results: [Result<Flow?, NetlinkError>]) -> Report {
        var report = Report()
        for (operation, result) in zip(operations, results) {
            switch (operation, result) {
            case (.delete(.ufid(let ufid)), _) where isGone(result):
                installed[ufid] = nil
                failed.remove(ufid)
                report.deleted += 1
            case (.put(let flow, let mode), .success):
                installed[flow.ufid!] = Flow(key: [], actions: flow.actions, ufid: flow.ufid)
                failed.remove(flow.ufid!)
                if mode == .create { report.added += 1 } else { report.modified += 1 }
            case (_, .failure(let error)):
                if let ufid = operation.ufid { failed.insert(ufid) }
                report.failures.append(error)
                DaemonMetrics.kernelError(error)
                if error.cause != .resyncNeeded { logger.warning("reconciler: \(error)") }
            default:
                break
            }
        }
        return report
    }

    /// A delete of a flow the kernel no longer has reached its goal.
    private func isGone(_ result: Result<Flow?, NetlinkError>) -> Bool {
        if case .failure(let error) = result { return error.errno == ENOENT }
        return true
    }
}

extension FlowOperation {
    /// The UFID the operation is about, if it names one.
    var ufid: FlowUFID? {
        switch self {
        case .put(let flow, _): flow.ufid
        case .delete(.ufid(let ufid)), .get(.ufid(let ufid), _), .clearStats(.ufid(let ufid)): ufid
        default: nil
        }
    }
}

#if canImport(Glibc)
import Glibc
import VTEPCompiler
import OVSDatapathCore
#endif

extension Vport {
    /// Whether the port is one of the switch's: a network device, not our
    /// VXLAN port (a netdev too where it was made over rtnetlink).
    var isSwitchPort: Bool { type == .netdev && !isVXLANTunnel }
}
