import OVSDB
import OVSDatapathCore
import OVSDatapathNL
import VTEPCompiler
import VTEPModel

/// One pass of vtep-kdp's pipeline: the replica as it is now → the
/// switch's ports into the datapath → compiler → reconciler → kernel, then the write-back ovs-vtep does (the switch's
/// ports, `unknown-dst` → our tunnel IP, local MACs, faults). `vtep-kdp
/// sync` runs it once; the daemon runs it on every change.
public struct SyncPass {
    /// The client whose replica the pass reads and whose database it writes back to.
    public let client: OVSDBClient<VTEPDatabase>
    /// The only writer to the kernel: the pass hands it the desired flows.
    public let reconciler: Reconciler
    /// The name of the Physical_Switch this vtep-kdp serves (its PS-NAME).
    public let switchName: String

    /// The UDP port of the VXLAN port, if the pass has to make one.
    public let vxlanPort: UInt16

    /// Whether a bulk change (`2 × stageSize` remote MACs or more) is
    /// compiled and installed in overlapping parts, on two threads, rather
    /// than compiled and then installed. On by default. On the test rig
    /// (QEMU software emulation, 2 vCPUs) the two threads slow each other
    /// down, and runs in different boots disagreed on whether it paid; in
    /// one boot, side by side, the pass for 100,000 MACs took 10.1 s
    /// overlapped against 12.9 and 13.4 s one after the other.
    public let overlapsBulkChanges: Bool

    /// How many parts of an overlapped bulk change may be in the kernel at
    /// once, each on a netlink socket of its own (see `StagedReconcile`).
    public let bulkInstallSockets: Int

    /// Whether a local source that is a remote MAC of its switch takes it
    /// over (`--allow-remote-mac-takeover`; see `CompilerInput`).
    public var allowsRemoteMACTakeover = false

    /// A pass over `switchName`'s part of the database, written to the kernel
    /// through `reconciler`.
    /// - Parameters:
    ///   - client: the OVSDB client to read from and write back through.
    ///   - reconciler: the writer to the datapath.
    ///   - switchName: the Physical_Switch to serve.
    ///   - vxlanPort: the UDP port of the VXLAN port, if one must be made.
    ///   - overlapsBulkChanges: compile and install a bulk change in
    ///     overlapping parts (`--no-overlap-bulk-installs` turns it off).
    ///   - bulkInstallSockets: how many parts may be in the kernel at once
    ///     (`--bulk-install-sockets`).
    public init(
        client: OVSDBClient<VTEPDatabase>, reconciler: Reconciler, switchName: String, vxlanPort: UInt16 = VXLANNaming.defaultPort,
        overlapsBulkChanges: Bool = true, bulkInstallSockets: Int = 2
    ) {
        self.client = client
        self.reconciler = reconciler
        self.switchName = switchName
        self.vxlanPort = vxlanPort
        self.overlapsBulkChanges = overlapsBulkChanges
        self.bulkInstallSockets = bulkInstallSockets
    }

    /// What a pass did and found. It holds no flows: their one copy is
    /// the compiler's that the pass brought up to date.
    public struct Outcome: Sendable {
        /// What the compile found besides the flows: bindings, faults, problems.
        public var findings: CompileFindings
        /// How many flows the pass wanted in the kernel.
        public var flowCount: Int
        /// What the reconcile changed in the kernel, and what failed.
        public var report: Reconciler.Report
        /// The datapath's port numbers by name, and the VXLAN port's.
        public var portNumbers: [String: UInt32]
        /// The datapath port number of the VXLAN vport.
        public var tunnelPort: UInt32
        /// The switch's ports: the rows the database must hold, and those to delete.
        public var ports: PortInventory.Plan
        /// Where the pass's time went: compiling, and the kernel's batch.
        public var compileTime: Duration = .zero
        /// Time spent in the reconcile: the kernel's batch, or what was left of it
        /// after the stages.
        public var kernelTime: Duration = .zero
        /// Parts handed to the kernel while compiling went on (0: none);
        /// then `compileTime` overlapped the kernel's work and `kernelTime`
        /// is only what was left of it after compiling.
        public var stages = 0
        /// With stages: how many could be in the kernel at once.
        public var stageLanes = 0
        /// With stages: how long their threads worked (encoding and the
        /// kernel), and how much of `compileTime` was spent waiting for them.
        public var stagedKernelTime: Duration = .zero
        /// How much of `compileTime` was spent waiting for stages to finish.
        public var stagedWaitTime: Duration = .zero
        /// What the pass compiled from the learned state: the local MACs
        /// (declared and learned) and the VNIs whose learned-MAC limit was
        /// reached (set by the caller, which keeps that count). The
        /// write-back reports these, not the learned state as it is by
        /// then, so a MAC is listed only once its flows are installed (and
        /// not while one of its delivery flows failed).
        public var localMACs: [LocalMAC] = []
        /// The VNIs whose learned-MAC limit was reached: their switches get
        /// `mac_table_exhaustion`.
        public var exhaustedVNIs: Set<UInt32> = []
        /// The IPv4 addresses learned MACs announced, dotted, by VNI and
        /// MAC (set by the caller, like `localMACs`): `Ucast_Macs_Local.ipaddr`.
        public var localAddresses: [UInt32: [EthernetAddress: [String]]] = [:]

        /// What the upcall handler reads misses against.
        public var missContext: MissContext {
            MissContext(
                bindings: findings.bindings, tunnelPort: tunnelPort,
                portNames: Dictionary(portNumbers.map { ($1, $0) }, uniquingKeysWith: { first, _ in first }),
                tunnelIP: findings.tunnelIP, tunnelSources: findings.tunnelSources,
                bfdRemotes: Set(findings.bfdTunnels.map(\.remote)), suppressingVNIs: Set(findings.arpAnswering.answers.keys))
        }
    }

    /// Why a pass could not run at all.
    public enum SyncError: Error, CustomStringConvertible {
        /// The Physical_Switch we serve is not in the database.
        case noSuchSwitch(String)
        /// A line for the log or the CLI.
        public var description: String {
            switch self {
            case .noSuchSwitch(let name): "Physical_Switch \(name) is not in the database (vtep-ctl add-ps \(name))"
            }
        }
    }

    /// The kernel half: the switch's ports into the datapath, compile,
    /// reconcile — everything, from nothing. Frames waiting on a miss can
    /// be sent on as soon as it returns, before the database hears of them.
    public func program(
        localMACs: [LocalMAC], missFacts: MissFacts = MissFacts(),
        isolation: isolated (any Actor)? = #isolation
    ) async throws -> Outcome {
        var compiler = IncrementalCompiler()
        var inventory = PortInventory()
        return try await program(
            localMACs: localMACs, missFacts: missFacts, compiler: &compiler, inventory: &inventory, changedRemoteRows: nil)
    }

    /// The same, bringing a long-lived `compiler` up to date: only the
    /// Ucast_Macs_Remote rows in `changedRemoteRows` (nil: all) are
    /// recompiled, and only the flows that changed are compared with the
    /// kernel's. `inventory` remembers the switch's ports between passes,
    /// so a port that left one side leaves the other.
    public func program(
        localMACs: [LocalMAC], missFacts: MissFacts, compiler: inout IncrementalCompiler, inventory: inout PortInventory,
        changedRemoteRows: Set<OVSDBUUID>?, locatorHealth: LocatorHealth = LocatorHealth(),
        isolation: isolated (any Actor)? = #isolation
    ) async throws -> Outcome {
        let database = await client.replica
        guard let (_, physicalSwitch) = database.physicalSwitch(named: switchName) else { throw SyncError.noSuchSwitch(switchName) }
        let portNames = Set(physicalSwitch.ports.compactMap { database.physicalPorts[$0]?.name })
        let (ports, tunnel, portPlan) = try reconciler.ensurePorts(portNames, inventory: &inventory, vxlanPort: vxlanPort)
        let clock = ContinuousClock()
        let compileStarted = clock.now
        let input = CompilerInput(
            database: database, switchName: switchName, portNumbers: ports, tunnelPort: tunnel,
            localMACs: localMACs, missFacts: missFacts, allowsRemoteMACTakeover: allowsRemoteMACTakeover,
            locatorHealth: locatorHealth, upcallPortID: reconciler.upcallPortID)
        // A compiler with no past cannot know which installed flows it no
        // longer wants: its first reconcile compares everything.
        let fresh = !compiler.hasCompiled
        if !fresh, let rows = changedRemoteRows, rows.count >= Self.bulkRows {
            // Room for what a bulk insert adds, made once: growing a table
            // of 100,000 flows step by step moves every flow again and again.
            let growth = compiler.reserveCapacity(forRemoteRows: rows, of: input)
            reconciler.installed.reserveCapacity(reconciler.installed.count + growth)
        }
        var remaining = changedRemoteRows
        var staged: StagedReconcile?
        var stageCount = 0, stageLanes = 0
        if overlapsBulkChanges, !fresh, let rows = changedRemoteRows, rows.count >= 2 * Self.stageSize {
            // Many rows changed (a bulk commit): the kernel takes them in
            // parts while the next part compiles. What is left after the
            // last whole part goes with the frame, the usual way.
            let order = Array(rows)
            let stages = StagedReconcile(reconciler, lanes: bulkInstallSockets)
            stageLanes = stages.lanes
            var taken = 0
            while order.count - taken > Self.stageSize,
                let changed = compiler.compileRemoteRows(order[taken..<taken + Self.stageSize], of: input)
            {
                taken += Self.stageSize
                stages.submit(compiler.state.flows, changed: changed)
                stageCount += 1
            }
            remaining = Set(order[taken...])
            staged = stages
        }
        let changed = compiler.compile(input, changedRemoteRows: remaining)
        let kernelStarted = clock.now
        let stagedReport = staged?.finish()
        var report = reconciler.reconcile(compiler.state.flows, changed: fresh ? nil : changed.union(staged?.deferred ?? []))
        // A stage's failure is retried by that last reconcile, which
        // reports it again if it still fails.
        if let stagedReport { report.addCounts(of: stagedReport) }
        return Outcome(
            findings: compiler.state.findings, flowCount: compiler.state.flows.count, report: report, portNumbers: ports,
            tunnelPort: tunnel, ports: portPlan,
            compileTime: kernelStarted - compileStarted, kernelTime: clock.now - kernelStarted, stages: stageCount, stageLanes: stageLanes,
            stagedKernelTime: staged?.kernelBusy ?? .zero, stagedWaitTime: staged?.waited ?? .zero,
            localMACs: LocalMAC.deliverable(
                localMACs, bindings: compiler.state.bindings, tunnelPort: tunnel, failed: reconciler.failed))
    }

    /// From this many changed remote MACs on, a pass makes room for them
    /// before compiling (counting them costs a look-up each).
    static let bulkRows = 1024

    /// Remote-MAC rows per stage of a bulk change: small enough that the
    /// kernel starts early, large enough that a stage's fixed costs vanish.
    static let stageSize = 4096
}
