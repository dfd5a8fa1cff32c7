/// Where an OVSDB server listens, in OVS's active remote syntax:
/// `unix:FILE`, `tcp:HOST:PORT`, `ssl:HOST:PORT` (IPv6 hosts in brackets;
/// the port defaults to 6640).
public enum OVSDBRemote: Sendable, Hashable, CustomStringConvertible {
    case unix(path: String)
    case tcp(host: String, port: Int)
    case ssl(host: String, port: Int)

    /// OVSDB's IANA port, used when a `tcp:` or `ssl:` remote gives none.
    public static let defaultPort = 6640

    /// Parses an active remote: `unix:FILE`, `tcp:HOST[:PORT]` or
    /// `ssl:HOST[:PORT]`, an IPv6 host in brackets.
    /// - Throws: `OVSDBError.badRemote` saying what is wrong with `text`.
    public init(parsing text: String) throws(OVSDBError) {
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst(5))
            guard !path.isEmpty else { throw .badRemote(text, reason: "unix: needs a socket path") }
            self = .unix(path: path)
            return
        }
        let isTCP = text.hasPrefix("tcp:"), isSSL = text.hasPrefix("ssl:")
        guard isTCP || isSSL else {
            throw .badRemote(text, reason: "expected unix:FILE, tcp:HOST[:PORT] or ssl:HOST[:PORT]")
        }
        let rest = Substring(text.dropFirst(4))
        let host: Substring, portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw .badRemote(text, reason: "unterminated [IPv6 address]") }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            portText = after.isEmpty ? nil : (after.hasPrefix(":") ? after.dropFirst() : nil)
            if !after.isEmpty && portText == nil { throw .badRemote(text, reason: "expected :PORT after the address") }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        } else {
            host = rest
            portText = nil
        }
        guard !host.isEmpty else { throw .badRemote(text, reason: "missing host") }
        var port = Self.defaultPort
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else { throw .badRemote(text, reason: "bad port \"\(portText)\"") }
            port = value
        }
        self = isSSL ? .ssl(host: String(host), port: port) : .tcp(host: String(host), port: port)
    }

    /// The remote in OVS syntax, port always given (`tcp:10.0.0.1:6640`).
    public var description: String {
        switch self {
        case .unix(let path): "unix:\(path)"
        case .tcp(let host, let port): "tcp:\(host.contains(":") ? "[\(host)]" : host):\(port)"
        case .ssl(let host, let port): "ssl:\(host.contains(":") ? "[\(host)]" : host):\(port)"
        }
    }
}
