import Foundation
import TestSupport
import Testing

@testable import VTEPOffload

/// `ssl:` remotes from the command line (issue 21, point 1): certificates
/// made by ovs-pki, given as every OVS daemon takes them, and a server
/// whose certificate another CA signed refused by vtep-kdp itself; and
/// `--bootstrap-ca-cert`, the CA taken from the first server that sends it.
extension KernelVTEPSuites {
    @Suite struct KernelTLSTests {
        @Test func vtepKdpTrustsOnlyAServerItsCASigned() throws {
            let rig = try EndToEndRig(prefix: "ep", vxlanPort: 4804, subnet: 33)
            let pki = rig.db.directory + "/pki"
            // Two CAs: A signs vtep-kdp's and the good server's certificates, B the rogue server's.
            try rig.sh(
                "mkdir -p \(pki) && cd \(pki) && ovs-pki --dir=\(pki)/a init >/dev/null && ovs-pki --dir=\(pki)/b init >/dev/null "
                    + "&& ovs-pki --dir=\(pki)/a req+sign client switch >/dev/null && ovs-pki --dir=\(pki)/a req+sign good switch >/dev/null "
                    + "&& ovs-pki --dir=\(pki)/b req+sign rogue switch >/dev/null")
            let caA = "\(pki)/a/switchca/cacert.pem"
            // Two more servers of the VTEP database over TLS; both trust A for their clients.
            // `sendsCA`: the server sends its CA's certificate too (--peer-ca-cert), as bootstrapping needs.
            func server(_ name: String, port: Int, sendsCA: Bool) throws -> String {
                let dir = rig.db.directory + "/" + name
                try rig.sh(
                    "mkdir -p \(dir) && ovsdb-tool create \(dir)/vtep.db /usr/share/openvswitch/vtep.ovsschema && "
                        + "timeout 60 ovsdb-server \(dir)/vtep.db --remote=punix:\(dir)/db.sock --remote=pssl:\(port):127.0.0.1 "
                        + "--private-key=\(pki)/\(name)-privkey.pem --certificate=\(pki)/\(name)-cert.pem --ca-cert=\(caA) "
                        + (sendsCA ? "--peer-ca-cert=\(caA) " : "")
                        + "--pidfile=\(dir)/pid --unixctl=\(dir)/ctl --log-file=\(dir)/log --detach </dev/null >/dev/null 2>&1 && "
                        + "vtep-ctl --db=unix:\(dir)/db.sock add-ps br0 -- set Physical_Switch br0 tunnel_ips=\(rig.localIP)")
                return dir
            }
            let good = try server("good", port: 46641, sendsCA: true), rogue = try server("rogue", port: 46642, sendsCA: false)
            defer { _ = try? rig.sh("kill $(cat \(good)/pid) $(cat \(rogue)/pid)") }
            let tls = ["--private-key", "\(pki)/client-privkey.pem", "--certificate", "\(pki)/client-cert.pem", "--ca-cert", caA]

            // Signed by A: served, and its port published over TLS.
            try rig.startDaemon(extra: tls + ["--port", rig.port("p0")], remote: "ssl:127.0.0.1:46641")
            try rig.waitFor("p0 published over TLS", timeout: 20) {
                try rig.sh("vtep-ctl --db=unix:\(good)/db.sock list-ports br0").contains(rig.port("p0"))
            }
            rig.stopDaemon()

            // Signed by B: refused, nothing written however long it tries.
            try rig.startDaemon(extra: tls + ["--port", rig.port("p0")], remote: "ssl:127.0.0.1:46642", waitForPass: false)
            try rig.waitFor("a refused handshake in the log", timeout: 30) {
                rig.log().contains { $0.contains("46642") && $0.contains("CERTIFICATE_VERIFY_FAILED") }
            }
            Thread.sleep(forTimeInterval: 3)
            #expect(try rig.sh("vtep-ctl --db=unix:\(rogue)/db.sock list-ports br0").isEmpty)
            #expect(rig.daemonIsAlive, "refused, it keeps trying rather than dying")
            print("tls: \(rig.log().last { $0.contains("46642") } ?? "")")
            rig.stopDaemon()

            // --bootstrap-ca-cert: a server that sends no CA certificate gives none, and is not served.
            let saved = rig.db.directory + "/bootstrapped-cacert.pem"
            let bootstrap = Array(tls.dropLast(2)) + ["--bootstrap-ca-cert", saved]
            var seen = rig.log().count
            try rig.startDaemon(extra: bootstrap + ["--port", rig.port("p0")], remote: "ssl:127.0.0.1:46642", waitForPass: false)
            try rig.waitFor("bootstrapping refused: no CA certificate sent", timeout: 30) {
                rig.log().dropFirst(seen).contains { $0.contains("sent no CA certificate") }
            }
            #expect(!FileManager.default.fileExists(atPath: saved))
            #expect(try rig.sh("vtep-ctl --db=unix:\(rogue)/db.sock list-ports br0").isEmpty)
            rig.stopDaemon()

            // A server that sends A: A is saved, and the reconnection, verified against it, is served.
            try rig.sh("vtep-ctl --db=unix:\(good)/db.sock del-port br0 \(rig.port("p0"))")
            seen = rig.log().count
            try rig.startDaemon(extra: bootstrap + ["--port", rig.port("p0")], remote: "ssl:127.0.0.1:46641", waitForPass: false)
            try rig.waitFor("p0 published after bootstrapping", timeout: 30) {
                try rig.sh("vtep-ctl --db=unix:\(good)/db.sock list-ports br0").contains(rig.port("p0"))
            }
            #expect(rig.log().dropFirst(seen).contains { $0.contains("saved the server's CA certificate to \(saved)") })
            // ovs-pki's file has openssl's text dump before the PEM: compare the certificates.
            func der(_ file: String) throws -> String { try rig.sh("openssl x509 -in \(file) -outform der | sha256sum") }
            #expect(try der(saved) == der(caA), "the CA that signed the server, byte for byte")
            rig.stopDaemon()

            // Saved, it is --ca-cert: B's server is refused, even for a daemon asked to bootstrap.
            seen = rig.log().count
            try rig.startDaemon(extra: bootstrap + ["--port", rig.port("p0")], remote: "ssl:127.0.0.1:46642", waitForPass: false)
            try rig.waitFor("B refused against the saved CA", timeout: 30) {
                rig.log().dropFirst(seen).contains { $0.contains("46642") && $0.contains("CERTIFICATE_VERIFY_FAILED") }
            }
            #expect(try rig.sh("vtep-ctl --db=unix:\(rogue)/db.sock list-ports br0").isEmpty)
            #expect(try der(saved) == der(caA), "not replaced")
        }
    }
}
