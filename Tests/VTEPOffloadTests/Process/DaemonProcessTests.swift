import Foundation
import SystemPackage
import TestSupport
import Testing

@testable import VTEPOffload

/// The daemon's process-level guards: a log file that cannot kill it, a
/// pidfile and a datapath that only one vtep-kdp may hold.
@Suite(.serialized) struct DaemonProcessTests {
    func scratchDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vtep-kdp-process-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// `--log-file /dev/full` trapped at the first line; now every failed
    /// write is counted and the daemon goes on.
    @Test func aFullDiskCountsLinesAndNeverCrashes() throws {
        let log = try LogFile(path: "/dev/full")
        for line in 0..<1_000 { log.write("line \(line)\n") }
        #expect(log.failedWrites == 1_000)
        #expect(log.lastError == .noSpace)
    }

    /// A new log file is 0640 and appended to; a symbolic link is refused.
    @Test func theFileIsPrivateAppendedToAndNeverALink() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/vtep-kdp.log"
        let first = try LogFile(path: path)
        first.write("one\n")
        let second = try LogFile(path: path)
        second.write("two\n")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "one\ntwo\n")
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode & 0o777 == 0o640 & ~Int(umaskValue()))
        let link = directory + "/link.log"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
        #expect(throws: Errno.tooManySymbolicLinkLevels) { _ = try LogFile(path: link) }
    }

    /// logrotate renames the file, then SIGHUP reopens: later lines go to a new file.
    @Test func reopeningStartsANewFileAfterARename() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/vtep-kdp.log"
        let log = try LogFile(path: path)
        log.write("before\n")
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        log.write("still the old file\n")
        try log.reopen()
        log.write("after\n")
        #expect(try String(contentsOfFile: path + ".1", encoding: .utf8) == "before\nstill the old file\n")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "after\n")
    }

    /// A pidfile another process holds locked names that process; once it
    /// is gone, the file is ours and holds our pid.
    @Test func aLockedPidfileNamesItsHolder() async throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/vtep-kdp.pid"
        let holder = try ChildProcess(
            "/usr/bin/python3",
            [
                "-c",
                "import fcntl,os,sys,time; f=open(sys.argv[1],'w'); fcntl.lockf(f, fcntl.LOCK_EX); f.write(str(os.getpid())); f.flush(); time.sleep(60)",
                path,
            ])
        #expect(await eventually { (try? String(contentsOfFile: path, encoding: .utf8))?.isEmpty == false })
        do {
            _ = try PidFile(path: path)
            Issue.record("a locked pidfile was taken")
        } catch {
            guard case .heldBy(let pid, _) = error else {
                Issue.record("got \(error)")
                return
            }
            #expect(pid == holder.pid)
            #expect(error.description.contains("pid \(holder.pid)"))
        }
        holder.terminate(signal: SIGKILL)
        let ours = try PidFile(path: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "\(getpid())\n")
        ours.remove()
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    /// One claim per datapath name; the second names the first's pid, and
    /// the claim ends with its holder.
    @Test func aDatapathIsClaimedOnce() throws {
        let name = "kt-claim-\(UUID().uuidString.prefix(8))"
        var first: DatapathClaim? = try DatapathClaim(datapath: name)
        do {
            _ = try DatapathClaim(datapath: name)
            Issue.record("claimed twice")
        } catch {
            guard case .servedBy(let pid, _) = error else {
                Issue.record("got \(error)")
                return
            }
            #expect(pid == getpid())
            #expect(error.description == "datapath \(name) is already served by vtep-kdp pid \(getpid())")
        }
        _ = try DatapathClaim(datapath: name + "-other")  // another datapath is free
        withExtendedLifetime(first) {}
        first = nil
        _ = try DatapathClaim(datapath: name)
    }

    /// The executable refuses a datapath another process holds, before it
    /// touches the kernel (here a stand-in holder: the host has no datapath).
    @Test func vtepKDPRefusesAServedDatapathNamingItsPid() async throws {
        let name = "kt-served-\(UUID().uuidString.prefix(8))"
        let holder = try ChildProcess(
            "/usr/bin/python3",
            [
                "-c",
                "import socket,sys,time; s=socket.socket(socket.AF_UNIX); s.bind('\\0vtep-kdp/'+sys.argv[1]); s.listen(4); time.sleep(60)",
                name,
            ])
        defer { holder.terminate(signal: SIGKILL) }
        #expect(await eventually { DatapathClaim.holder(of: name) == holder.pid })
        let result = try ChildProcess.run(VTEPKDPBinary.path, ["run", "--datapath", name, "br0"])
        #expect(result.status == 1)
        #expect(result.errors.contains("datapath \(name) is already served by vtep-kdp pid \(holder.pid)"), "\(result.errors)")
    }

    func umaskValue() -> mode_t {
        let old = umask(0)
        umask(old)
        return old
    }
}
