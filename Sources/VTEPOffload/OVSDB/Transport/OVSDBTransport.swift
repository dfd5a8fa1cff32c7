import NIOCore
import NIOPosix
import NIOSSL

/// TLS material for `ssl:` remotes, as OVS's `--private-key`,
/// `--certificate` and `--ca-cert` name it (PEM files).
public struct OVSDBTLSFiles: Sendable, Equatable {
    public var privateKey: String
    public var certificate: String
    public var caCertificate: String

    public init(privateKey: String, certificate: String, caCertificate: String) {
        self.privateKey = privateKey
        self.certificate = certificate
        self.caCertificate = caCertificate
    }
}

/// A connected stream to an OVSDB server: whole messages in, bytes out.
typealias OVSDBChannel = NIOAsyncChannel<ByteBuffer, ByteBuffer>

enum OVSDBTransport {
    /// Opens a connection to `remote`, and says when it last received
    /// bytes. Errors are `OVSDBError.connectFailed` with the system's reason.
    static func connect(to remote: OVSDBRemote, tls: OVSDBTLSFiles?, maxMessageBytes: Int,
                        timeout: TimeAmount = .seconds(5)) async throws(OVSDBError) -> (OVSDBChannel, ReceiveActivity) {
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connectTimeout(timeout)
        var sslContext: NIOSSLContext?
        if case .ssl = remote {
            guard let tls else {
                throw .connectFailed(remote: remote.description, reason: "ssl: needs --private-key, --certificate and --ca-cert")
            }
            do {
                var configuration = TLSConfiguration.makeClientConfiguration()
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(tls.certificate).map { .certificate($0) }
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: tls.privateKey, format: .pem))
                configuration.trustRoots = .file(tls.caCertificate)
                // OVS checks the peer against the CA, not against a host name.
                configuration.certificateVerification = .noHostnameVerification
                sslContext = try NIOSSLContext(configuration: configuration)
            } catch {
                throw .connectFailed(remote: remote.description, reason: "TLS set-up: \(error)")
            }
        }
        let context = sslContext
        let activity = ReceiveActivity()
        let initializer: @Sendable (Channel) -> EventLoopFuture<OVSDBChannel> = { channel in
            channel.eventLoop.makeCompletedFuture {
                if let context {
                    try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: nil))
                }
                try channel.pipeline.syncOperations.addHandler(ReceiveActivityHandler(activity))
                try channel.pipeline.syncOperations.addHandler(
                    ByteToMessageHandler(OVSDBFrameDecoder(maxMessageBytes: maxMessageBytes)))
                return try OVSDBChannel(wrappingChannelSynchronously: channel)
            }
        }
        do {
            switch remote {
            case .unix(let path):
                return (try await bootstrap.connect(unixDomainSocketPath: path, channelInitializer: initializer), activity)
            case .tcp(let host, let port), .ssl(let host, let port):
                return (try await bootstrap.connect(host: host, port: port, channelInitializer: initializer), activity)
            }
        } catch {
            throw .connectFailed(remote: remote.description, reason: "\(error)")
        }
    }
}
