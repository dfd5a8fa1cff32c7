import Logging
import OVSDatapathNL

/// vtep-kdp's main loop: follow the VTEP database and run a `SyncPass`
/// whenever it changes. Changes that arrive while a pass runs are folded
/// into the next pass, so a burst of 10,000 rows costs a few passes, not
/// 10,000. The kernel is only ever written by the pass's reconciler.
public actor VTEPDaemon {
    public let client: OVSDBClient<VTEPDatabase>
    let pass: SyncPass
    let logger: Logger
    /// Local MACs (declared today; learned with issue 6).
    public var localMACs: [LocalMAC]
    /// Passes run so far, and what the last one did.
    public private(set) var passes = 0
    public private(set) var lastOutcome: SyncPass.Outcome?

    public init(client: OVSDBClient<VTEPDatabase>, reconciler: Reconciler, switchName: String, localMACs: [LocalMAC] = [],
                vxlanPort: UInt16 = VXLANDevice.defaultPort, logger: Logger = Logger(label: "vtep-kdp")) {
        self.client = client
        self.pass = SyncPass(client: client, reconciler: reconciler, switchName: switchName, vxlanPort: vxlanPort)
        self.localMACs = localMACs
        self.logger = logger
    }

    /// Runs until cancelled. The OVSDB client must be running (its `run()`).
    public func run() async {
        var pending = false
        var synced = false
        var events = client.events.makeAsyncIterator()
        while !Task.isCancelled {
            // Wait for something to do, then take everything already queued.
            guard let event = await events.next() else { return }
            switch event {
            case .synced: synced = true; pending = true
            case .changes: pending = true
            case .disconnected(let error): logger.warning("VTEP database: \(error); keeping the kernel's flows as they are")
            case .connected(let remote): logger.info("VTEP database: connected to \(remote)")
            }
            guard synced, pending else { continue }
            pending = false
            await runPass()
        }
    }

    func runPass() async {
        do {
            let outcome = try await pass.run(localMACs: localMACs)
            passes += 1
            lastOutcome = outcome
            for problem in outcome.state.problems where lastProblems.contains(problem) == false {
                logger.warning("\(problem)")
            }
            lastProblems = Set(outcome.state.problems)
            let summary = "kernel: \(outcome.report) (\(outcome.state.flows.count) flows for \(outcome.state.bindings.count) bindings)"
            if outcome.report.changes > 0 || !outcome.report.failures.isEmpty { logger.info("\(summary)") } else { logger.debug("\(summary)") }
        } catch {
            logger.warning("sync pass failed: \(error); retrying on the next change")
        }
    }

    private var lastProblems: Set<String> = []
}
