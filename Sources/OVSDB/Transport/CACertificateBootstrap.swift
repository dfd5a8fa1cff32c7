import Foundation
import Logging
import NIOCore
import NIOSSL

/// `--bootstrap-ca-cert`, as OVS does it: while the CA file does not exist,
/// the first `ssl:` server's chain is taken on trust, its self-signed CA
/// certificate saved to the file, and that connection dropped; every later
/// connection verifies the server against the saved CA like `--ca-cert`.
/// Only a server that sends its CA certificate (ovsdb-server's
/// `--peer-ca-cert`) can be bootstrapped from.
enum CACertificateBootstrap {
    /// Whether this connection must bootstrap: asked for, and no CA saved yet.
    static func isNeeded(_ tls: OVSDBTLSFiles) -> Bool {
        tls.bootstrapsCACertificate && !FileManager.default.fileExists(atPath: tls.caCertificate)
    }

    /// The verification to use instead of TLS's while bootstrapping: saves
    /// the chain's root to `path` and refuses the handshake either way, so
    /// the data never flows over an unverified connection.
    static func verification(
        savingTo path: String, remote: String, logger: Logger
    ) -> NIOSSLCustomVerificationCallback {
        { chain, promise in
            do {
                try save(rootOf: chain, to: path)
                logger.notice(
                    "OVSDB \(remote): saved the server's CA certificate to \(path) (--bootstrap-ca-cert, trusted on first use); reconnecting to verify the server against it"
                )
            } catch {
                logger.error("OVSDB \(remote): --bootstrap-ca-cert: \(error); nothing saved")
            }
            promise.succeed(.failed)
        }
    }

    struct Refusal: Error, CustomStringConvertible {
        var description: String
    }

    /// Writes the last certificate of `chain` as PEM, if it is self-issued;
    /// the file appears whole or not at all.
    static func save(rootOf chain: [NIOSSLCertificate], to path: String) throws {
        guard let root = chain.last, chain.count > 1 else {
            throw Refusal(
                description: "the server sent no CA certificate with its own (give ovsdb-server --peer-ca-cert)")
        }
        let der = try root.toDERBytes()
        guard let names = CertificateNames(der: der) else {
            throw Refusal(description: "the server's last certificate does not parse as X.509")
        }
        guard names.isSelfIssued else {
            throw Refusal(description: "the server's last certificate is not a self-signed CA certificate")
        }
        let base64 = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        let pem = "-----BEGIN CERTIFICATE-----\n\(base64)\n-----END CERTIFICATE-----\n"
        let temporary = path + ".tmp.\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(pem.utf8)) else {
            throw Refusal(description: "cannot write \(temporary)")
        }
        // link(2), not rename: a CA another process saved meanwhile is kept.
        defer { unlink(temporary) }
        guard link(temporary, path) == 0 else {
            throw Refusal(description: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
    }
}
