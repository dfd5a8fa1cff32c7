import ArgumentParser
import OVSDB

/// The key and certificates for `ssl:` remotes, spelled as every OVS
/// daemon spells them. The server's certificate must chain to `--ca-cert`
/// (as in OVS, no host name is checked), or, with `--bootstrap-ca-cert`,
/// to the CA the first server sent.
struct TLSOptions: ParsableArguments {
    @Option(name: .customLong("private-key"), help: ArgumentHelp("PEM private key for ssl: remotes.", valueName: "FILE"))
    var privateKey: String?
    @Option(help: ArgumentHelp("PEM certificate for --private-key (ovs-pki makes both).", valueName: "FILE"))
    var certificate: String?
    @Option(
        name: .customLong("ca-cert"),
        help: ArgumentHelp("PEM CA certificate the server's certificate must be signed by.", valueName: "FILE"))
    var caCert: String?
    @Option(
        name: .customLong("bootstrap-ca-cert"),
        help: ArgumentHelp(
            "Like --ca-cert, but while FILE does not exist the first server's CA certificate is saved to it "
                + "(trusted on first use; the server must send it: ovsdb-server --peer-ca-cert).",
            valueName: "FILE"))
    var bootstrapCACert: String?

    func validate() throws {
        guard caCert == nil || bootstrapCACert == nil else {
            throw ValidationError("--ca-cert and --bootstrap-ca-cert are alternatives: give one")
        }
        let given = [privateKey, certificate, caCert ?? bootstrapCACert].compactMap { $0 }
        guard given.isEmpty || given.count == 3 else {
            throw ValidationError(
                "--private-key, --certificate and --ca-cert (or --bootstrap-ca-cert) go together: give all three")
        }
    }

    /// The files, when given.
    var files: OVSDBTLSFiles? {
        guard let privateKey, let certificate, let ca = caCert ?? bootstrapCACert else { return nil }
        return OVSDBTLSFiles(
            privateKey: privateKey, certificate: certificate, caCertificate: ca,
            bootstrapsCACertificate: bootstrapCACert != nil)
    }
}
