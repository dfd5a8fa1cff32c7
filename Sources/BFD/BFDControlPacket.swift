/// A BFD control packet without authentication (RFC 5880 §4.1): the 24
/// bytes a UDP datagram to port 3784 carries. Intervals are in
/// microseconds, as on the wire.
public struct BFDControlPacket: Equatable, Sendable {
    /// Why the sender last went down.
    public var diagnostic: BFDDiagnostic = .none
    /// The sender's session state.
    public var state: BFDState = .down
    /// Poll: the sender changed its intervals and wants a Final back.
    public var poll = false
    /// Final: the answer to a Poll.
    public var final = false
    /// Control plane independent: false for us.
    public var controlPlaneIndependent = false
    /// Demand mode: not used, never set by us.
    public var demand = false
    /// Intervals the receiver may miss before it declares the sender down.
    public var detectMultiplier: UInt8 = 3
    /// The sender's discriminator for this session (nonzero).
    public var myDiscriminator: UInt32 = 0
    /// The receiver's discriminator, as far as the sender knows it (0: not yet).
    public var yourDiscriminator: UInt32 = 0
    /// The fastest the sender wishes to send.
    public var desiredMinTxMicroseconds: UInt32 = 1_000_000
    /// The fastest the sender can receive (0: send me nothing).
    public var requiredMinRxMicroseconds: UInt32 = 1_000_000
    /// Echo is not supported: always 0.
    public var requiredMinEchoRxMicroseconds: UInt32 = 0

    /// The length of a packet without authentication.
    public static let length = 24
    /// The version this codec speaks.
    public static let version: UInt8 = 1

    /// A packet from its fields; defaults as a session starting Down.
    public init() {}

    /// Why received bytes are not a packet this session may act on
    /// (RFC 5880 §6.8.6, the checks that need no session).
    public enum Refusal: Error, Equatable, Sendable {
        case tooShort(Int)
        case badVersion(UInt8)
        case badLength(declared: Int, received: Int)
        case authenticationPresent
        case zeroDetectMultiplier
        case multipointSet
        case zeroMyDiscriminator
        case unknownState
        case unknownDiagnostic(UInt8)
    }

    /// Decodes and checks `bytes` (the UDP payload).
    public init(bytes: some Collection<UInt8>) throws(Refusal) {
        let b = Array(bytes)
        guard b.count >= Self.length else { throw .tooShort(b.count) }
        let version = b[0] >> 5
        guard version == Self.version else { throw .badVersion(version) }
        let declared = Int(b[3])
        guard declared >= Self.length, declared <= b.count else { throw .badLength(declared: declared, received: b.count) }
        guard b[1] & 0x04 == 0 else { throw .authenticationPresent }
        guard b[1] & 0x01 == 0 else { throw .multipointSet }
        guard b[2] != 0 else { throw .zeroDetectMultiplier }
        guard let diagnostic = BFDDiagnostic(rawValue: b[0] & 0x1f) else { throw .unknownDiagnostic(b[0] & 0x1f) }
        guard let state = BFDState(rawValue: b[1] >> 6) else { throw .unknownState }
        func word(_ at: Int) -> UInt32 { b[at..<at + 4].reduce(0) { $0 << 8 | UInt32($1) } }
        self.diagnostic = diagnostic
        self.state = state
        poll = b[1] & 0x20 != 0
        final = b[1] & 0x10 != 0
        controlPlaneIndependent = b[1] & 0x08 != 0
        demand = b[1] & 0x02 != 0
        detectMultiplier = b[2]
        myDiscriminator = word(4)
        guard myDiscriminator != 0 else { throw .zeroMyDiscriminator }
        yourDiscriminator = word(8)
        desiredMinTxMicroseconds = word(12)
        requiredMinRxMicroseconds = word(16)
        requiredMinEchoRxMicroseconds = word(20)
    }

    /// The 24 bytes on the wire.
    public var bytes: [UInt8] {
        var flags = state.rawValue << 6
        if poll { flags |= 0x20 }
        if final { flags |= 0x10 }
        if controlPlaneIndependent { flags |= 0x08 }
        if demand { flags |= 0x02 }
        var out: [UInt8] = [Self.version << 5 | diagnostic.rawValue, flags, detectMultiplier, UInt8(Self.length)]
        for value in [
            myDiscriminator, yourDiscriminator, desiredMinTxMicroseconds, requiredMinRxMicroseconds, requiredMinEchoRxMicroseconds,
        ] {
            out += [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
        }
        return out
    }
}
