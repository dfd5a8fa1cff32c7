import ArgumentParser
import Foundation
import Logging
import OVSDB
import OVSDatapathCore
import OVSDatapathNL
import OVSUnixctl
import SystemPackage
import UnixSignals
import VTEPCompiler
import VTEPModel
import VTEPOffload

#if canImport(Glibc)
import Glibc
#endif

/// `vtep-kdp [run] PS-NAME`: the VTEP daemon. Follows the VTEP database and
/// the datapath's misses, keeps the kernel's flows matching them, and
/// writes back what ovs-vtep writes, until SIGTERM or SIGINT — which leave
/// the flows in place, so traffic keeps flowing while vtep-kdp restarts.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the VTEP daemon (the default command): keep the datapath matching the VTEP database until stopped.",
        discussion: """
            The datapath is created if it does not exist; the Physical_Switch's ports that \
            exist as network devices, and a VXLAN port (vxlan_sys_4789), are added to it, and \
            its misses (upcalls) come to vtep-kdp. Each database change or burst of misses runs \
            one sync pass: compile the desired flows, change only what differs in the kernel, \
            write back Physical_Port rows, local MACs, unknown-dst → our tunnel IP and faults. \
            Local MACs are learned from the first frame they send (and sent on); more can be \
            declared with --local-mac. On start, what the kernel already holds is kept: flows \
            still right are not touched, learned MACs are read back from them.

            SIGTERM and SIGINT stop vtep-kdp and leave the flows in the kernel.
            """)

    @Argument(help: "The Physical_Switch this host is (vtep-ctl add-ps NAME).") var physicalSwitch: String
    @Option(help: "OVSDB remote of the VTEP database (unix:FILE, tcp:IP:PORT, ssl:IP:PORT); repeat for the members of a cluster.")
    var db: [String] = ["unix:/var/run/openvswitch/db.sock"]
    @OptionGroup(title: "TLS (ssl: remotes)") var tls: TLSOptions
    @Option(help: "Datapath name.") var datapath = "ovs-system"
    @Option(
        help: ArgumentHelp(
            "A network device to add to the datapath at start, as a port of the switch (repeatable).",
            discussion:
                "Ports also join by vtep-kdp add-port, ovs-dpctl add-if or vtep-ctl add-port; each is published as a Physical_Port row.",
            valueName: "DEVICE"))
    var port: [String] = []
    @Option(help: "The Physical_Switch's description (default: names vtep-kdp and the datapath).") var description: String?
    @Option(
        name: .customLong("management-ip"),
        help: "An address the switch is managed at, written to Physical_Switch management_ips (repeatable; none: the column is left alone)."
    )
    var managementIPs: [String] = []
    @Option(
        name: .customLong("local-mac"),
        help: ArgumentHelp("A local MAC and the port it is behind, as MAC@PORT (repeatable).", valueName: "MAC@PORT"))
    var localMACs: [LocalMAC] = []
    @Option(name: .customLong("vxlan-port"), help: "UDP port of the VXLAN port vtep-kdp adds when the datapath has none.")
    var vxlanPort: UInt16 = VXLANNaming.defaultPort
    @Option(name: .customLong("mac-aging-time"), help: "Seconds a learned MAC may stay idle before it leaves the kernel and the database.")
    var macAgingTime: Double = 300
    @Option(name: .customLong("mac-limit"), help: "Learned MACs per logical switch before mac_table_exhaustion is raised.")
    var macLimit = 50_000
    @Option(
        name: .customLong("mac-limit-per-port"),
        help: "Learned MACs behind one physical port (all its VLANs), so one port cannot fill the table for the others.")
    var macLimitPerPort = 10_000
    @Flag(
        name: .customLong("allow-remote-mac-takeover"),
        help: """
            Let a local frame whose source is a remote MAC of its logical switch (Ucast_Macs_Remote) move that MAC here. \
            Off: the controller's binding stands; the frames go on, the MAC stays remote, and the log says so.
            """)
    var allowRemoteMACTakeover = false
    @Option(help: "Write the process id to this file while running.") var pidfile: String?
    @Option(
        help: ArgumentHelp(
            "The control socket ovs-appctl talks to (default: $OVS_RUNDIR or /var/run/openvswitch, then vtep-kdp.PID.ctl).",
            discussion: "ovs-appctl -t vtep-kdp finds it when --pidfile is <rundir>/vtep-kdp.pid.", valueName: "SOCKET"))
    var unixctl: String?
    @Option(
        name: .customLong("metrics-address"),
        help: ArgumentHelp(
            "Serve Prometheus metrics at http://HOST:PORT/metrics (off by default).",
            discussion: "HOST is an IPv4 or IPv6 address ([::1]:9477) or a name; 127.0.0.1 keeps them to this host.",
            valueName: "HOST:PORT"))
    var metricsAddress: MetricsAddress?
    @Option(name: .customLong("log-file"), help: "Append the log to this file instead of standard error.") var logFile: String?
    @Flag(help: "Run in the background once started (OVS style); use with --log-file and --pidfile.") var detach = false
    @Flag(
        name: .customLong("allow-ovs-vswitchd"), help: "Run on ovs-system even though an ovs-vswitchd of this network namespace serves it.")
    var allowOVSVswitchd = false
    @Flag(name: .shortAndLong, help: "Log every pass and every upcall, not only those that change something.") var verbose = false
    @Flag(
        name: .customLong("overlap-bulk-installs"), inversion: .prefixedNo,
        help: ArgumentHelp(
            "Compile and install a bulk change (8,192 or more remote MACs) in overlapping parts on two threads (default), or one after the other.",
            discussion: "Both were measured on the emulated test rig; see the README's benchmarks."))
    var overlapBulkInstalls = true
    @Option(
        name: .customLong("bulk-install-sockets"),
        help: ArgumentHelp(
            "Netlink sockets that overlapped parts of a bulk change use at once (1 or 2).",
            discussion: "With 2, the kernel checks and copies two parts' flows on two cores; only inserting them takes turns."))
    var bulkInstallSockets = 2

    /// The longest `--mac-aging-time`: a year, in seconds.
    static let longestAgingTime: Double = 365 * 24 * 3600

    func validate() throws {
        // The unit passes ${VTEP_KDP_SWITCH} as one word even when it is unset.
        guard !physicalSwitch.isEmpty else {
            throw ValidationError("PS-NAME is empty: name the Physical_Switch (VTEP_KDP_SWITCH in /etc/default/vtep-kdp)")
        }
        guard (1...2).contains(bulkInstallSockets) else {
            throw ValidationError("--bulk-install-sockets takes 1 or 2, not \(bulkInstallSockets)")
        }
        // A value that cannot be a duration (negative, nan, inf, past what
        // Duration holds) trapped when turned into one: refuse it here.
        guard macAgingTime.isFinite, macAgingTime >= 1, macAgingTime <= Self.longestAgingTime else {
            throw ValidationError("--mac-aging-time takes seconds from 1 to \(Int(Self.longestAgingTime)), not \(macAgingTime)")
        }
        guard macLimit >= 1 else { throw ValidationError("--mac-limit takes a positive number of MACs, not \(macLimit)") }
        guard macLimitPerPort >= 1 else {
            throw ValidationError("--mac-limit-per-port takes a positive number of MACs, not \(macLimitPerPort)")
        }
        guard vxlanPort != 0 else { throw ValidationError("--vxlan-port takes a UDP port from 1 to 65535, not 0") }
    }

    func run() async throws {
        if detach { Detach.respawn(droppingFlag: "--detach") }
        let (logger, log) = bootstrapLogging()
        // Trapped from here on, so a SIGTERM during start-up (reading a
        // large table back from the kernel) stops the daemon cleanly once
        // it runs, instead of killing it with its pidfile left behind.
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint, .sighup)
        // One daemon per pidfile and one per datapath, checked before the
        // kernel is touched: a second one would take the upcalls and the
        // two would delete each other's flows and rows.
        let pid: PidFile?
        let claim: DatapathClaim
        do {
            pid = try pidfile.map { (path) throws(PidFile.Failure) in try PidFile(path: path) }
            claim = try DatapathClaim(datapath: datapath)
        } catch {
            throw StartupFailure(description: "vtep-kdp: \(error)")
        }
        defer { pid?.remove() }
        try StartupChecks.requireDatapathModule()
        if !allowOVSVswitchd { try StartupChecks.refuseOVSVswitchd(datapath: datapath) }
        let remotes = try db.map { try OVSDBRemote(parsing: $0) }

        // The datapath, with its misses sent to our listener.
        let connection: DatapathConnection
        let listener: UpcallListener
        let datapath: Datapath
        do {
            connection = try DatapathConnection()
            listener = try UpcallListener(handlers: 1)
            do {
                datapath = try connection.setUpcalls(of: connection.datapath(named: self.datapath), to: .perCPU(listener.perCPUPIDs))
            } catch let error where error.errno == ENODEV {
                datapath = try connection.createDatapath(name: self.datapath, upcalls: .perCPU(listener.perCPUPIDs))
                logger.info("vtep-kdp: created datapath \(self.datapath)")
            }
        } catch {
            throw StartupChecks.explain(error, doing: "datapath \(self.datapath)")
        }
        addPorts(port, to: datapath, through: connection, logger: logger)
        let reconciler = try Reconciler(connection: connection, datapath: datapath, upcalls: .perCPU(listener.perCPUPIDs), logger: logger)
        logger.info(
            "vtep-kdp: serving \(physicalSwitch) on datapath \(self.datapath) (\(reconciler.installed.count) flows already there); VTEP database \(db.joined(separator: ", "))"
        )
        // BFD on a thread and a netlink socket of its own; its packets come
        // up as userspace() actions, which the listener hands straight to it.
        let tunnelHealth: TunnelHealthMonitor
        do {
            tunnelHealth = TunnelHealthMonitor(connection: try DatapathConnection(), logger: logger)
        } catch {
            throw StartupChecks.explain(error, doing: "a netlink socket for BFD")
        }
        // ARP requests of switches with suppression on are answered on the listener's thread, at once.
        let arpResponder: ARPResponder
        do {
            arpResponder = ARPResponder(connection: try DatapathConnection(), logger: logger)
        } catch {
            throw StartupChecks.explain(error, doing: "a netlink socket for ARP suppression")
        }
        listener.actionHandler = { upcall in
            if TunnelHealthMonitor.isBFD(upcall) {
                tunnelHealth.deliver(upcall)
            } else if ARPSuppression.isRequest(upcall) {
                arpResponder.deliver(upcall)
            }
        }
        tunnelHealth.start()
        defer { tunnelHealth.stop() }
        let client = OVSDBClient<VTEPDatabase>(remotes: remotes, tls: tls.files, logger: logger)
        let daemon = VTEPDaemon(
            client: client, reconciler: reconciler, switchName: physicalSwitch, localMACs: localMACs,
            vxlanPort: vxlanPort, limits: .init(macsPerSwitch: macLimit, macsPerPort: macLimitPerPort),
            agingTime: .milliseconds(Int(macAgingTime * 1000)), overlapsBulkChanges: overlapBulkInstalls,
            bulkInstallSockets: bulkInstallSockets, allowsRemoteMACTakeover: allowRemoteMACTakeover,
            identity: (
                description ?? "vtep-kdp: VXLAN VTEP on kernel datapath \(self.datapath)", managementIPs.isEmpty ? nil : Set(managementIPs)
            ), tunnelHealth: tunnelHealth, arpResponder: arpResponder, logger: logger)
        try await daemon.recoverLearnedState()

        let shutdown = ShutdownSwitch()
        let stop: @Sendable (String) -> Void = { reason in
            logger.info("vtep-kdp: \(reason): stopping; the kernel keeps its flows")
            Task { await shutdown.trip() }
        }
        let control: UnixctlServer?
        do {
            control = try await UnixctlServer(
                path: unixctl ?? ControlSocket.defaultPath, version: Version.text,
                commands: ControlSocket.commands(daemon: daemon, datapath: self.datapath, log: log, logger: logger, stop: stop))
            logger.info("vtep-kdp: control socket \(control!.path) (ovs-appctl -t vtep-kdp list-commands)")
        } catch {
            control = nil
            logger.warning("vtep-kdp: no control socket at \(unixctl ?? ControlSocket.defaultPath): \(error); running without one")
        }
        let metrics: MetricsEndpoint?
        do {
            metrics = try await startMetrics(daemon: daemon, logger: logger)
        } catch {
            await control?.close()
            throw error
        }
        // Up: a --detach parent may return now (a metrics port in use was an error above).
        Detach.notifyReady()
        try await DaemonServices(
            client: client, daemon: daemon, listener: listener, control: control, metrics: metrics, log: log,
            physicalSwitch: physicalSwitch, db: db, logger: logger, shutdown: shutdown
        ).run(signals: signals)
        withExtendedLifetime(claim) {}
    }

    /// `--port`: devices that join the datapath now. One that cannot (no
    /// such device) is logged, not fatal: the others still forward.
    private func addPorts(_ names: [String], to datapath: Datapath, through connection: DatapathConnection, logger: Logger) {
        let present = Set((try? connection.vports(of: datapath))?.map(\.name) ?? [])
        for name in names where !present.contains(name) {
            do {
                let vport = try connection.addVport(to: datapath, name: name, spec: .netdev)
                logger.info("vtep-kdp: --port \(name): added as port \(vport.portNumber) of \(datapath.name)")
            } catch {
                logger.error("vtep-kdp: --port \(name): \(error)")
            }
        }
    }

    /// Sets up swift-log for the daemon: to `--log-file` (see `LogFile`) or
    /// standard error; returns the logger and the log file, if any.
    func bootstrapLogging() -> (Logger, LogFile?) {
        // swift-log stamps each line with localtime(), and glibc's localtime()
        // stats /etc/localtime on every call while TZ is unset. Naming the
        // file in TZ makes glibc read it once: a syscall less per line, and
        // where /etc is on a network or 9p filesystem (our test VM) the
        // difference between 2 ms and 20 µs a line — 10,000 learned MACs
        // logged one by one cost 20 s of the daemon's single loop.
        if getenv("TZ") == nil { setenv("TZ", ":/etc/localtime", 0) }
        let level: Logger.Level = verbose ? .debug : .info
        var log: LogFile?
        if let logFile {
            do throws(Errno) {
                log = try LogFile(path: logFile)
            } catch {
                FileHandle.standardError.write(
                    Data("vtep-kdp: cannot open the log file \(logFile): \(error); logging to standard error\n".utf8))
            }
        }
        LogLevelControl.shared.level = level
        LoggingSystem.bootstrap { [log] label in
            AdjustableLogHandler(
                inner: log.map { StreamLogHandler(label: label, stream: LogFileStream(file: $0)) }
                    ?? StreamLogHandler.standardError(label: label))
        }
        return (Logger(label: "vtep-kdp"), log)
    }
}

/// swift-log's stream handler writing to the log file; a line that cannot
/// be written is counted by the file, never a crash.
struct LogFileStream: TextOutputStream, Sendable {
    let file: LogFile
    mutating func write(_ string: String) { file.write(string) }
}

/// A start-up refusal, said in one line.
struct StartupFailure: Error, CustomStringConvertible {
    let description: String
}
