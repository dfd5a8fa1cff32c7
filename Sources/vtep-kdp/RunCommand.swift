import ArgumentParser
import Dispatch
import Foundation
import Logging
import OVSDatapathNL
import VTEPOffload

/// `vtep-kdp run PS-NAME`: follow the VTEP database and keep the kernel
/// datapath matching it, until SIGTERM or SIGINT — which leave the flows in
/// place, so traffic keeps flowing while vtep-kdp restarts.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Keep the datapath matching the VTEP database until stopped (SIGTERM/SIGINT leave the flows in place).",
        discussion: """
            The datapath is created if it does not exist; the Physical_Switch's ports that \
            exist as network devices, and a VXLAN port (vxlan_sys_4789), are added to it. \
            Each database change runs one sync pass; changes \
            that arrive meanwhile are folded into the next. Until learning lands, local \
            MACs are declared with --local-mac.
            """)

    @Argument(help: "The Physical_Switch this host is (vtep-ctl add-ps NAME).") var physicalSwitch: String
    @Option(help: "OVSDB remote of the VTEP database; repeat for the members of a cluster.")
    var db: [String] = ["unix:/var/run/openvswitch/db.sock"]
    @Option(help: "Datapath name.") var datapath = "ovs-system"
    @Option(name: .customLong("local-mac"), help: ArgumentHelp("A local MAC and the port it is behind, as MAC@PORT (repeatable).", valueName: "MAC@PORT"))
    var localMACs: [String] = []
    @Option(help: "Write the process id to this file while running.") var pidfile: String?
    @Option(name: .customLong("log-file"), help: "Append the log to this file instead of standard error.") var logFile: String?
    @Flag(name: .shortAndLong, help: "Log every pass, not only those that change something.") var verbose = false

    func run() async throws {
        let level: Logger.Level = verbose ? .debug : .info
        if let logFile {
            guard let handle = FileHandle(forWritingAtPath: logFile) ?? {
                FileManager.default.createFile(atPath: logFile, contents: nil)
                return FileHandle(forWritingAtPath: logFile)
            }() else { throw ValidationError("cannot open the log file \(logFile)") }
            handle.seekToEndOfFile()
            let stream = FileLogStream(handle: handle)
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler(label: label, stream: stream)
                handler.logLevel = level
                return handler
            }
        } else {
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
        let logger = Logger(label: "vtep-kdp")
        if let pidfile { try "\(getpid())\n".write(toFile: pidfile, atomically: true, encoding: .utf8) }
        defer { if let pidfile { try? FileManager.default.removeItem(atPath: pidfile) } }

        let locals = try localMACs.map { text in
            guard let local = LocalMAC(parsing: text) else { throw ValidationError("--local-mac takes MAC@PORT, not \(text)") }
            return local
        }
        let remotes = try db.map { try OVSDBRemote(parsing: $0) }
        let connection = try DatapathConnection()
        let datapath: Datapath
        do { datapath = try connection.datapath(named: self.datapath) } catch {
            guard error.errno == ENODEV else { throw error }
            datapath = try connection.createDatapath(name: self.datapath)
            logger.info("vtep-kdp: created datapath \(self.datapath)")
        }
        let reconciler = try Reconciler(connection: connection, datapath: datapath, logger: logger)
        logger.info("vtep-kdp: serving \(physicalSwitch) on datapath \(self.datapath) (\(reconciler.installed.count) flows already there); VTEP database \(db.joined(separator: ", "))")

        let client = OVSDBClient<VTEPDatabase>(remotes: remotes, logger: logger)
        let daemon = VTEPDaemon(client: client, reconciler: reconciler, switchName: physicalSwitch, localMACs: locals, logger: logger)
        let work = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await client.run() }
                group.addTask { await daemon.run() }
            }
        }
        // SIGTERM and SIGINT end the loops; the flows stay in the kernel.
        let stop = { (name: String) in
            logger.info("vtep-kdp: \(name): stopping; the kernel keeps its flows")
            work.cancel()
        }
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        let term = DispatchSource.makeSignalSource(signal: SIGTERM)
        let int = DispatchSource.makeSignalSource(signal: SIGINT)
        term.setEventHandler { stop("SIGTERM") }
        int.setEventHandler { stop("SIGINT") }
        term.resume()
        int.resume()
        await work.value
    }
}

/// swift-log's stream handler writing to a file.
struct FileLogStream: TextOutputStream, @unchecked Sendable {
    let handle: FileHandle
    mutating func write(_ string: String) { handle.write(Data(string.utf8)) }
}
