import Foundation
import TestSupport
import Testing

@testable import VTEPOffload

/// The kernel's queue of upcalls to vtep-kdp overflows (issue 20, point 6):
/// the daemon was stopped while 20,000 new sources arrived on p0. Before,
/// each ENOBUFS was one warning line ("state must be re-read", with nothing
/// re-read); now one line says what was lost and that the same flows'
/// next frames come again, and the daemon learns and forwards as before.
extension KernelVTEPSuites {
    @Suite struct KernelUpcallOverflowTests {
        @Test func upcallsTheKernelCouldNotQueueAreMissedAgainNotLost() throws {
            let rig = try EndToEndRig.seededWithLinuxVTEP(prefix: "ei", vxlanPort: 4799, subnet: 27)
            try rig.startDaemon(extra: ["--mac-limit-per-port", "30000"])  // every queued source may be learned
            #expect(try rig.exec("vm1", "ping -c 2 -i 0.2 -w 20 192.168.100.55").contains("2 received"))

            // Stopped, the daemon reads nothing: 20,000 new sources fill its 4 MiB upcall queue.
            rig.signalDaemon(SIGSTOP)
            try rig.exec(
                "vm1",
                """
                python3 -c 'import socket
                s=socket.socket(socket.AF_PACKET,socket.SOCK_RAW);s.bind(("eth0",0))
                for i in range(20000): s.send(b"\\xff"*6+bytes([2,0xcc,0,i>>8,i&255,1])+b"\\x88\\xb5"+bytes(46))'
                """)
            let lost = try Self.lostUpcalls(rig)
            rig.signalDaemon(SIGCONT)
            print("upcall overflow: the kernel could not queue \(lost) of 20,000 misses")
            #expect(lost > 0, "the queue never filled: the test proves nothing")

            try rig.waitFor("the overflow to be reported", timeout: 60) {
                rig.log().contains { $0.contains("found our upcall queue full") }
            }
            #expect(!rig.log().contains { $0.contains("state must be re-read") })
            #expect(rig.daemonIsAlive)
            // Forwarding goes on, and a source whose first frame was dropped is learned from its next.
            #expect(try rig.exec("vm1", "ping -c 2 -i 0.2 -w 30 192.168.100.55").contains("2 received"))
            try rig.sendBroadcasts(from: "vm1", source: "02:cc:00:4e:1f:01", count: 1)
            try rig.waitFor("a source from the end of the burst to be learned", timeout: 120) {
                try rig.db.vtepctl("list-local-macs", "ls0").contains("02:cc:00:4e:1f:01")
            }
        }

        /// The datapath's "lost" count: upcalls the kernel could not queue.
        static func lostUpcalls(_ rig: EndToEndRig) throws -> Int {
            let show = try rig.sh("ovs-dpctl show \(rig.datapath)")
            guard let range = show.range(of: #"lost:(\d+)"#, options: .regularExpression) else { throw RigError("no lost count: \(show)") }
            return Int(show[range].dropFirst("lost:".count)) ?? 0
        }
    }
}
