import Foundation
import NIOSSL
import TestSupport
import Testing

@testable import OVSDB

/// `--bootstrap-ca-cert`'s decision: which certificate of a server's chain
/// is a CA root, and that only such a one is saved, whole, once. The
/// certificates are made by openssl, as a real CA's would be.
@Suite struct CACertificateBootstrapTests {
    /// A CA, a certificate it signed, and a second CA, in a fresh directory.
    struct PKI {
        let directory: String
        let ca: NIOSSLCertificate, leaf: NIOSSLCertificate, otherCA: NIOSSLCertificate

        init() throws {
            directory = NSTemporaryDirectory() + "ca-bootstrap-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let d = directory
            let script = """
                set -e; cd \(d)
                openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=vtep-ca
                openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.pem -days 2 -subj /CN=vtep-ca
                openssl req -newkey rsa:2048 -nodes -keyout leaf.key -out leaf.csr -subj /CN=ovsdb-server
                openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out leaf.pem -days 2
                """
            let result = try ChildProcess.run("/bin/sh", ["-c", script])
            guard result.status == 0 else { throw RigError("openssl: \(result.errors)") }
            ca = try NIOSSLCertificate(file: d + "/ca.pem", format: .pem)
            leaf = try NIOSSLCertificate(file: d + "/leaf.pem", format: .pem)
            otherCA = try NIOSSLCertificate(file: d + "/other.pem", format: .pem)
        }
    }

    @Test func aRootIsSelfIssuedAndALeafNamesItsCA() throws {
        let pki = try PKI()
        let ca = try #require(CertificateNames(der: try pki.ca.toDERBytes()))
        let leaf = try #require(CertificateNames(der: try pki.leaf.toDERBytes()))
        #expect(ca.isSelfIssued)
        #expect(!leaf.isSelfIssued)
        #expect(leaf.issuer == ca.subject)
    }

    @Test func bytesThatAreNotACertificateGiveNoNames() throws {
        let der = try PKI().ca.toDERBytes()
        #expect(CertificateNames(der: []) == nil)
        #expect(CertificateNames(der: Array(der.prefix(40))) == nil, "cut short")
        #expect(CertificateNames(der: [0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF]) == nil, "a length past the end")
        #expect(CertificateNames(der: [0x30, 0x85, 1, 1, 1, 1, 1]) == nil, "a length of five bytes")
        #expect(CertificateNames(der: [0x02] + der.dropFirst()) == nil, "not a SEQUENCE")
    }

    @Test func theChainsRootIsSavedAsPEMThatTLSReadsBack() throws {
        let pki = try PKI()
        let path = pki.directory + "/saved-cacert.pem"
        try CACertificateBootstrap.save(rootOf: [pki.leaf, pki.ca], to: path)
        let saved = try NIOSSLCertificate.fromPEMFile(path)
        #expect(saved.count == 1)
        #expect(try saved.first?.toDERBytes() == pki.ca.toDERBytes())
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp.\(getpid())"), "no temporary left")

        // Once saved, a CA is never replaced by another server's.
        #expect(throws: CACertificateBootstrap.Refusal.self) {
            try CACertificateBootstrap.save(rootOf: [pki.leaf, pki.otherCA], to: path)
        }
        #expect(try NIOSSLCertificate.fromPEMFile(path).first?.toDERBytes() == pki.ca.toDERBytes())
    }

    @Test func aChainWithoutARootSavesNothing() throws {
        let pki = try PKI()
        let path = pki.directory + "/saved-cacert.pem"
        // The server's certificate alone: ovsdb-server without --peer-ca-cert.
        #expect(throws: CACertificateBootstrap.Refusal.self) {
            try CACertificateBootstrap.save(rootOf: [pki.leaf], to: path)
        }
        // A chain that ends in a certificate some CA signed.
        #expect(throws: CACertificateBootstrap.Refusal.self) {
            try CACertificateBootstrap.save(rootOf: [pki.leaf, pki.leaf], to: path)
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func bootstrapIsNeededOnlyWhileTheFileIsMissing() throws {
        let pki = try PKI()
        var tls = OVSDBTLSFiles(
            privateKey: "k", certificate: "c", caCertificate: pki.directory + "/saved-cacert.pem",
            bootstrapsCACertificate: true)
        #expect(CACertificateBootstrap.isNeeded(tls))
        try CACertificateBootstrap.save(rootOf: [pki.leaf, pki.ca], to: tls.caCertificate)
        #expect(!CACertificateBootstrap.isNeeded(tls))
        tls.caCertificate = pki.directory + "/absent.pem"
        tls.bootstrapsCACertificate = false
        #expect(!CACertificateBootstrap.isNeeded(tls), "--ca-cert never bootstraps")
    }
}
