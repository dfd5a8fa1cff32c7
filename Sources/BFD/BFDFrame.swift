/// The Ethernet frame a BFD control packet travels in through a tunnel, as
/// OVS sends it for a tunnel port's BFD (RFC 5881 single hop over the
/// tunnel): Ethernet to the remote's BFD MAC, IPv4 with TTL 255 and
/// precedence "internetwork control", UDP from a port of 49152–65535 to
/// 3784. The tunnel header is the datapath's to add.
public struct BFDFrame: Equatable, Sendable {
    /// BFD's UDP destination port for single-hop control packets.
    public static let controlPort: UInt16 = 3784
    /// The addresses OVS uses when nothing else is configured.
    public static let defaultMAC: [UInt8] = [0x00, 0x23, 0x20, 0x00, 0x00, 0x01]
    /// OVS's default BFD source address (`bfd_src_ip`).
    public static let defaultLocalIP: [UInt8] = [169, 254, 1, 1]
    /// OVS's default BFD destination address (`bfd_dst_ip`).
    public static let defaultRemoteIP: [UInt8] = [169, 254, 1, 0]

    /// Ethernet source, 6 bytes.
    public var sourceMAC: [UInt8]
    /// Ethernet destination, 6 bytes: the remote's BFD MAC.
    public var destinationMAC: [UInt8]
    /// IPv4 source, 4 bytes.
    public var sourceIP: [UInt8]
    /// IPv4 destination, 4 bytes: the remote's BFD address.
    public var destinationIP: [UInt8]
    /// The session's UDP source port (fixed for its life, RFC 5881 §4).
    public var sourcePort: UInt16
    /// The control packet carried.
    public var packet: BFDControlPacket

    /// A frame from its parts.
    public init(
        sourceMAC: [UInt8], destinationMAC: [UInt8], sourceIP: [UInt8], destinationIP: [UInt8], sourcePort: UInt16,
        packet: BFDControlPacket
    ) {
        self.sourceMAC = sourceMAC
        self.destinationMAC = destinationMAC
        self.sourceIP = sourceIP
        self.destinationIP = destinationIP
        self.sourcePort = sourcePort
        self.packet = packet
    }

    /// Why a received frame is not a BFD control packet for us.
    public enum Refusal: Error, Equatable, Sendable {
        case notIPv4UDPToPort3784
        case ttlNot255(UInt8)
        case truncated
        case packet(BFDControlPacket.Refusal)
    }

    /// Reads a frame; refuses anything but IPv4/UDP to port 3784 with TTL
    /// 255 (RFC 5881 §5: anything else did not come from one hop away).
    public init(bytes frame: [UInt8]) throws(Refusal) {
        guard frame.count >= 14 + 20 + 8 else { throw .truncated }
        guard frame[12] == 0x08, frame[13] == 0x00, frame[14] >> 4 == 4, frame[23] == 17 else { throw .notIPv4UDPToPort3784 }
        let headerLength = Int(frame[14] & 0x0f) * 4
        let udp = 14 + headerLength
        guard headerLength >= 20, frame.count >= udp + 8 else { throw .truncated }
        guard UInt16(frame[udp + 2]) << 8 | UInt16(frame[udp + 3]) == Self.controlPort else { throw .notIPv4UDPToPort3784 }
        guard frame[22] == 255 else { throw .ttlNot255(frame[22]) }
        let udpLength = Int(frame[udp + 4]) << 8 | Int(frame[udp + 5])
        guard udpLength >= 8, frame.count >= udp + udpLength else { throw .truncated }
        do {
            packet = try BFDControlPacket(bytes: frame[(udp + 8)..<(udp + udpLength)])
        } catch {
            throw .packet(error)
        }
        destinationMAC = Array(frame[0..<6])
        sourceMAC = Array(frame[6..<12])
        sourceIP = Array(frame[26..<30])
        destinationIP = Array(frame[30..<34])
        sourcePort = UInt16(frame[udp]) << 8 | UInt16(frame[udp + 1])
    }

    /// The frame's bytes, IPv4 header checksum filled in (UDP's left 0, as IPv4 allows).
    public var bytes: [UInt8] {
        let payload = packet.bytes
        let udpLength = 8 + payload.count
        let totalLength = 20 + udpLength
        var ip: [UInt8] = [
            0x45, 0xc0, UInt8(totalLength >> 8), UInt8(totalLength & 0xff), 0, 0, 0x40, 0, 255, 17, 0, 0,
        ]
        ip += sourceIP + destinationIP
        let sum = Self.checksum(ip)
        ip[10] = UInt8(sum >> 8)
        ip[11] = UInt8(sum & 0xff)
        let udp: [UInt8] = [
            UInt8(sourcePort >> 8), UInt8(sourcePort & 0xff), UInt8(Self.controlPort >> 8), UInt8(Self.controlPort & 0xff),
            UInt8(udpLength >> 8), UInt8(udpLength & 0xff), 0, 0,
        ]
        return destinationMAC + sourceMAC + [0x08, 0x00] + ip + udp + payload
    }

    /// The Internet checksum (RFC 1071) of a header with its checksum field zero.
    static func checksum(_ header: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        for index in stride(from: 0, to: header.count, by: 2) {
            sum += UInt32(header[index]) << 8 | UInt32(index + 1 < header.count ? header[index + 1] : 0)
        }
        while sum >> 16 != 0 { sum = (sum & 0xffff) + (sum >> 16) }
        return ~UInt16(sum)
    }
}
