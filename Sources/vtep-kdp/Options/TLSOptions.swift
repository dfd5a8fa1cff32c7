import ArgumentParser
import OVSDB

/// The key and certificates for `ssl:` remotes, spelled as every OVS
/// daemon spells them. The server's certificate must chain to `--ca-cert`
/// (as in OVS, no host name is checked).
struct TLSOptions: ParsableArguments {
    @Option(name: .customLong("private-key"), help: ArgumentHelp("PEM private key for ssl: remotes.", valueName: "FILE"))
    var privateKey: String?
    @Option(help: ArgumentHelp("PEM certificate for --private-key (ovs-pki makes both).", valueName: "FILE"))
    var certificate: String?
    @Option(
        name: .customLong("ca-cert"),
        help: ArgumentHelp("PEM CA certificate the server's certificate must be signed by.", valueName: "FILE"))
    var caCert: String?

    func validate() throws {
        let given = [privateKey, certificate, caCert].compactMap { $0 }
        guard given.isEmpty || given.count == 3 else {
            throw ValidationError("--private-key, --certificate and --ca-cert go together: give all three")
        }
    }

    /// The files, when given.
    var files: OVSDBTLSFiles? {
        guard let privateKey, let certificate, let caCert else { return nil }
        return OVSDBTLSFiles(privateKey: privateKey, certificate: certificate, caCertificate: caCert)
    }
}
