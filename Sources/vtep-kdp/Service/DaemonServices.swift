import Logging
import OVSDB
import OVSDatapathNL
import OVSUnixctl
import ServiceLifecycle
import Synchronization
import SystemPackage
import UnixSignals
import VTEPModel
import VTEPOffload

/// One of the daemon's long-running parts, as a swift-service-lifecycle
/// service: its body runs until the group shuts down.
struct DaemonPart: Service, CustomStringConvertible {
    let description: String
    let body: @Sendable () async throws -> Void

    init(_ name: String, _ body: @escaping @Sendable () async throws -> Void) {
        description = name
        self.body = body
    }

    func run() async throws { try await body() }
}

/// Stops the daemon's service group from anywhere (a signal, `ovs-appctl
/// exit`), once the group exists; a stop asked for earlier is kept and
/// carried out when it does.
final class ShutdownSwitch: Sendable {
    private let state = Mutex<(group: ServiceGroup?, asked: Bool)>((nil, false))

    /// Gives the switch its group; shuts it down at once if a stop came first.
    func attach(_ group: ServiceGroup) async {
        let asked = state.withLock {
            $0.group = group
            return $0.asked
        }
        if asked { await group.triggerGracefulShutdown() }
    }

    /// Starts a graceful shutdown: each part stops, the flows stay.
    func trip() async {
        let group = state.withLock {
            $0.asked = true
            return $0.group
        }
        await group?.triggerGracefulShutdown()
    }
}

/// The daemon process's parts, wired into one service group: the OVSDB
/// client, the daemon's loop, the readiness report, the control socket,
/// the metrics endpoint and the signals. SIGTERM and SIGINT (and `ovs-appctl
/// exit`) shut it down gracefully: each part stops and the kernel keeps
/// its flows, so traffic goes on while vtep-kdp restarts.
struct DaemonServices {
    let client: OVSDBClient<VTEPDatabase>
    let daemon: VTEPDaemon
    let listener: UpcallListener
    let control: UnixctlServer?
    let metrics: MetricsEndpoint?
    let log: LogFile?
    let physicalSwitch: String
    let db: [String]
    let logger: Logger
    let shutdown: ShutdownSwitch

    /// Runs every part until a graceful shutdown has stopped them all;
    /// `signals` is trapped since start-up.
    func run(signals: UnixSignalsSequence) async throws {
        let (client, daemon, listener, logger) = (client, daemon, listener, logger)
        let parts: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: DaemonPart("ovsdb-client") { await cancelWhenGracefulShutdown { await client.run() } }),
            .init(
                service: DaemonPart("daemon") {
                    listener.start()
                    await cancelWhenGracefulShutdown { await daemon.run(upcalls: listener.upcalls) }
                    listener.stop()
                }),
            .init(service: DaemonPart("database-wait") { [db] in await waitForDatabase(at: db) }, successTerminationBehavior: .ignore),
            .init(service: DaemonPart("readiness") { await reportReadiness() }, successTerminationBehavior: .ignore),
            .init(service: DaemonPart("signals") { await watchSignals(signals) }, successTerminationBehavior: .ignore),
            .init(
                service: DaemonPart("endpoints") { [control, metrics] in
                    try? await gracefulShutdown()
                    await control?.close()
                    await metrics?.close()
                }, successTerminationBehavior: .ignore),
        ]
        let group = ServiceGroup(configuration: .init(services: parts, logger: logger))
        await shutdown.attach(group)
        try await group.run()
    }

    /// The database not up yet is a state to wait out, not an error: says
    /// so now and then until the first full read.
    private func waitForDatabase(at db: [String]) async {
        await cancelWhenGracefulShutdown { await Self.sayWhileWaiting(for: client, at: db, logger: logger) }
        // A part that ends while the group shuts another down is an error
        // to ServiceGroup, whatever its termination behaviour: end with the group.
        try? await gracefulShutdown()
    }

    /// The database not up yet is a state to wait out, not an error: say so, now and then.
    /// Connected and still loading (100,000 rows take seconds) is said as that,
    /// not as a server that may be down.
    private static func sayWhileWaiting(for client: OVSDBClient<VTEPDatabase>, at db: [String], logger: Logger) async {
        var interval = Duration.seconds(3)
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            if Task.isCancelled { return }  // stopping: nothing to wait for
            if await client.isSynced { return }
            if let remote = await client.connectedRemote {
                logger.info(
                    "vtep-kdp: connected to the VTEP database at \(remote); still reading its contents (the kernel's flows forward meanwhile)"
                )
            } else {
                logger.warning("vtep-kdp: waiting for the VTEP database at \(db.joined(separator: ", ")) (is ovsdb-server running?)")
            }
            interval = .seconds(30)
        }
    }

    /// systemd's `Type=notify`: READY once the first pass has made the
    /// kernel match the database (what the flows forward is then current),
    /// STATUS while waiting for it, STOPPING on the way out.
    private func reportReadiness() async {
        SystemdNotify.send("STATUS=waiting for the VTEP database at \(db.joined(separator: ", "))")
        await cancelWhenGracefulShutdown {
            while await daemon.passes == 0 {
                try? await Task.sleep(for: .milliseconds(50))
                if Task.isCancelled { return }
            }
            SystemdNotify.send("READY=1\nSTATUS=serving \(physicalSwitch)")
        }
        try? await gracefulShutdown()
        SystemdNotify.send("STOPPING=1")
    }

    /// SIGTERM and SIGINT stop the daemon; SIGHUP reopens the log file
    /// (logrotate moved it away).
    private func watchSignals(_ signals: UnixSignalsSequence) async {
        for await signal in signals.cancelOnGracefulShutdown() {
            switch signal {
            case .sighup: reopenLog()
            default:
                logger.info("vtep-kdp: \(signal): stopping; the kernel keeps its flows")
                await shutdown.trip()
            }
        }
    }

    private func reopenLog() {
        guard let log else { return }
        do throws(Errno) {
            try log.reopen()
            logger.info("vtep-kdp: SIGHUP: reopened the log file \(log.path) (\(log.failedWrites) lines could not be written so far)")
        } catch {
            logger.error("vtep-kdp: SIGHUP: cannot reopen \(log.path): \(error)")
        }
    }
}
