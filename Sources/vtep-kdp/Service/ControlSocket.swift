import Foundation
import Logging
import OVSDatapathCore
import OVSDatapathNL
import OVSUnixctl
import VTEPOffload

/// The daemon's `ovs-appctl` commands: OVS's usual ones (version,
/// list-commands, exit, vlog/*, memory/show) and vtep-kdp's own (vtep/*).
enum ControlSocket {
    /// Where `ovs-appctl -t vtep-kdp` looks when `--pidfile` is
    /// `<rundir>/vtep-kdp.pid`: `<rundir>/vtep-kdp.<pid>.ctl`, the rundir
    /// being OVS_RUNDIR or /var/run/openvswitch.
    static var defaultPath: String { "\(rundir)/vtep-kdp.\(getpid()).ctl" }

    /// OVS's run directory: OVS_RUNDIR, or /var/run/openvswitch.
    static var rundir: String { ProcessInfo.processInfo.environment["OVS_RUNDIR"] ?? "/var/run/openvswitch" }

    /// The commands, served for `daemon` on `datapath`; `log` is the log
    /// file, if any; `stop` ends the daemon as SIGTERM does.
    static func commands(
        daemon: VTEPDaemon, datapath: String, log: LogFile?, logger: Logger, stop: @escaping @Sendable (String) -> Void
    ) -> [UnixctlCommand] {
        [
            UnixctlCommand("exit") { _ in
                // After the reply has gone out; the flows stay, as on SIGTERM.
                Task {
                    try? await Task.sleep(for: .milliseconds(200))
                    stop("ovs-appctl exit")
                }
                return .success("")
            },
            UnixctlCommand("vlog/list") { _ in
                let level = LogLevelControl.name(of: LogLevelControl.shared.level).uppercased()
                let (console, file) = log == nil ? (level, "OFF") : ("OFF", level)
                return .success(
                    "                 console    syslog    file\n                 -------    ------    ------\n"
                        + "vtep-kdp          \(pad(console))OFF       \(pad(file))\n")
            },
            UnixctlCommand("vlog/set", usage: "[[module][:destination][:level]]...", arguments: 1...8) { arguments in
                // vtep-kdp has one module and one destination: the level is what counts.
                let levels = arguments.flatMap { $0.split(separator: ":") }.compactMap { word in
                    LogLevelControl.names.first { $0.ovs == word.lowercased() }?.level
                }
                guard let level = levels.last else {
                    return .failure(UnixctlError("no level in \(arguments.joined(separator: " ")) (emer, err, warn, info or dbg)"))
                }
                LogLevelControl.shared.level = level
                logger.info("control: log level set to \(LogLevelControl.name(of: level))")
                return .success("")
            },
            UnixctlCommand("vlog/reopen") { _ in
                guard let log else { return .failure(UnixctlError("logging to standard error: there is no log file to reopen")) }
                do {
                    try log.reopen()
                    logger.info("control: reopened the log file \(log.path)")
                    return .success("")
                } catch {
                    return .failure(UnixctlError("cannot reopen \(log.path): \(error)"))
                }
            },
            UnixctlCommand("memory/show") { _ in
                let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
                let rss = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }?.split(separator: " ").dropFirst().first ?? "?"
                let flows = await daemon.desiredFlows.count, learned = await daemon.learned.macCount
                return .success("flows:\(flows) learned-macs:\(learned) rss-kib:\(rss)\n")
            },
            UnixctlCommand("vtep/status") { _ in .success(await daemon.statusText()) },
            UnixctlCommand("vtep/show-macs") { _ in .success(await daemon.macTableText()) },
            UnixctlCommand("vtep/dump-flows") { _ in
                do {
                    let connection = try DatapathConnection()
                    var lines: [String] = []
                    let now = MonotonicClock.nowMilliseconds()
                    try connection.dumpFlows(in: try connection.datapath(named: datapath)) {
                        lines.append(FlowFormatter.format($0, nowMilliseconds: now))
                    }
                    return .success(lines.sorted().map { $0 + "\n" }.joined())
                } catch {
                    return .failure(UnixctlError("\(error)"))
                }
            },
            UnixctlCommand("vtep/resync") { _ in
                switch await daemon.resync() {
                case .success(let text): .success(text)
                case .failure(let error): .failure(UnixctlError("resync failed: \(error)"))
                }
            },
            UnixctlCommand("vtep/flush-learned", usage: "LOGICAL-SWITCH", arguments: 1...1) { arguments in
                guard let count = await daemon.flushLearned(logicalSwitch: arguments[0]) else {
                    return .failure(UnixctlError("no logical switch \(arguments[0]) is bound here"))
                }
                return .success("forgot \(count) learned MACs\n")
            },
        ]
    }

    private static func pad(_ text: String) -> String { text.padding(toLength: 10, withPad: " ", startingAt: 0) }
}
