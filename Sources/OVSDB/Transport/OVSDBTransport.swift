import Logging
import NIOCore
import NIOPosix
import NIOSSL

enum OVSDBTransport {
    /// Opens a connection to `remote` on `eventLoop`; the whole messages of
    /// each read go to `deliver`, in order, the end of each read to `readComplete`,
    /// and an error that ends it to `fail`, all on that loop. `activity` is
    /// stamped on every read. Errors are `OVSDBError.connectFailed` with the
    /// system's reason; `logger` hears of a CA certificate bootstrapped.
    static func connect(
        to remote: OVSDBRemote, on eventLoop: any EventLoop, tls: OVSDBTLSFiles?, logger: Logger, maxMessageBytes: Int,
        activity: ReceiveActivity, timeout: TimeAmount = .seconds(5),
        deliver: @escaping @Sendable ([ByteBuffer]) -> Void,
        readComplete: @escaping @Sendable () -> Void,
        fail: @escaping @Sendable (any Error) -> Void
    ) async throws(OVSDBError) -> any Channel {
        let bootstrap = ClientBootstrap(group: eventLoop).connectTimeout(timeout)
        var sslContext: NIOSSLContext?
        var bootstrapPath: String?
        if case .ssl = remote {
            guard let tls else {
                throw .connectFailed(
                    remote: remote.description, reason: "ssl: needs --private-key, --certificate and --ca-cert (or --bootstrap-ca-cert)")
            }
            do {
                var configuration = TLSConfiguration.makeClientConfiguration()
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(tls.certificate).map { .certificate($0) }
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: tls.privateKey, format: .pem))
                // OVS checks the peer against the CA, not against a host name.
                configuration.certificateVerification = .noHostnameVerification
                if CACertificateBootstrap.isNeeded(tls) {
                    bootstrapPath = tls.caCertificate
                } else {
                    configuration.trustRoots = .file(tls.caCertificate)
                }
                sslContext = try NIOSSLContext(configuration: configuration)
            } catch {
                throw .connectFailed(remote: remote.description, reason: "TLS set-up: \(error)")
            }
        }
        let context = sslContext
        let caToBootstrap = bootstrapPath
        let connecting = bootstrap.channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                if let context, let caToBootstrap {
                    let verification = CACertificateBootstrap.verification(
                        savingTo: caToBootstrap, remote: remote.description, logger: logger)
                    try channel.pipeline.syncOperations.addHandler(
                        try NIOSSLClientHandler(context: context, serverHostname: nil, customVerificationCallback: verification))
                } else if let context {
                    try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: nil))
                }
                try channel.pipeline.syncOperations.addHandler(ReceiveActivityHandler(activity))
                try channel.pipeline.syncOperations.addHandler(
                    OVSDBFrameDecoder(maxMessageBytes: maxMessageBytes))
                try channel.pipeline.syncOperations.addHandler(
                    OVSDBMessageHandler(deliver: deliver, readComplete: readComplete, fail: fail))
            }
        }
        do {
            switch remote {
            case .unix(let path):
                return try await connecting.connect(unixDomainSocketPath: path).get()
            case .tcp(let host, let port), .ssl(let host, let port):
                return try await connecting.connect(host: host, port: port).get()
            }
        } catch {
            throw .connectFailed(remote: remote.description, reason: "\(error)")
        }
    }
}
