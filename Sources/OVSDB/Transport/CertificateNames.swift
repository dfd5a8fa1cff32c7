/// The issuer and subject of a DER X.509 certificate, read with the few
/// DER rules they need: enough to tell a self-issued (CA root) certificate
/// from one a CA signed, which is all `--bootstrap-ca-cert` asks before it
/// saves a certificate. The signature itself is checked by TLS, on the
/// connection that follows.
struct CertificateNames: Equatable {
    /// The issuer `Name`, as its DER bytes (tag and length included).
    var issuer: [UInt8]
    /// The subject `Name`, likewise.
    var subject: [UInt8]

    /// Whether the certificate names itself as its issuer, as a root does.
    var isSelfIssued: Bool { issuer == subject }

    /// Reads `Certificate ::= SEQUENCE { tbsCertificate SEQUENCE {
    /// [0] version OPTIONAL, serialNumber, signature, issuer, validity,
    /// subject, … } … }`; nil when the bytes are not shaped so.
    init?(der: [UInt8]) {
        var outer = DERReader(der[...])
        guard let certificate = outer.element(tag: 0x30) else { return nil }
        var certificateBody = DERReader(certificate.contents)
        guard let tbs = certificateBody.element(tag: 0x30) else { return nil }
        var fields = DERReader(tbs.contents)
        if fields.peekTag == 0xA0 { _ = fields.element(tag: 0xA0) }
        guard fields.element(tag: 0x02) != nil,  // serialNumber
            fields.element(tag: 0x30) != nil,  // signature algorithm
            let issuer = fields.element(tag: 0x30),
            fields.element(tag: 0x30) != nil,  // validity
            let subject = fields.element(tag: 0x30)
        else { return nil }
        self.issuer = Array(issuer.whole)
        self.subject = Array(subject.whole)
    }
}

/// Walks a run of DER elements (definite lengths only, as DER requires).
private struct DERReader {
    private var rest: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { rest = bytes }

    var peekTag: UInt8? { rest.first }

    /// The next element if its tag is `tag`: its whole encoding and its contents.
    mutating func element(tag: UInt8) -> (whole: ArraySlice<UInt8>, contents: ArraySlice<UInt8>)? {
        var cursor = rest.startIndex
        guard cursor < rest.endIndex, rest[cursor] == tag else { return nil }
        cursor += 1
        guard cursor < rest.endIndex else { return nil }
        let first = rest[cursor]
        cursor += 1
        var length = Int(first)
        if first & 0x80 != 0 {
            let count = Int(first & 0x7F)
            // Four length bytes already mean 4 GiB: more is not a certificate.
            guard (1...4).contains(count), rest.endIndex - cursor >= count else { return nil }
            length = 0
            for byte in rest[cursor..<cursor + count] { length = length << 8 | Int(byte) }
            cursor += count
        }
        guard rest.endIndex - cursor >= length else { return nil }
        let element = (whole: rest[rest.startIndex..<cursor + length], contents: rest[cursor..<cursor + length])
        rest = rest[(cursor + length)...]
        return element
    }
}
