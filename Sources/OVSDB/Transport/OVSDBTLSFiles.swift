/// TLS material for `ssl:` remotes, as OVS's `--private-key`,
/// `--certificate` and `--ca-cert` name it (PEM files).
public struct OVSDBTLSFiles: Sendable, Equatable {
    /// Path of the PEM private key (`--private-key`).
    public var privateKey: String
    /// Path of the PEM certificate that goes with it (`--certificate`).
    public var certificate: String
    /// Path of the PEM CA certificate that the server's certificate must chain
    /// to (`--ca-cert`, or `--bootstrap-ca-cert`).
    public var caCertificate: String
    /// Whether `caCertificate` may not exist yet, and is then taken from the
    /// first server (`--bootstrap-ca-cert`; see `CACertificateBootstrap`).
    public var bootstrapsCACertificate: Bool

    /// TLS material from the three PEM files' paths.
    public init(privateKey: String, certificate: String, caCertificate: String, bootstrapsCACertificate: Bool = false) {
        self.privateKey = privateKey
        self.certificate = certificate
        self.caCertificate = caCertificate
        self.bootstrapsCACertificate = bootstrapsCACertificate
    }
}
