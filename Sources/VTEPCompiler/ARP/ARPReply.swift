import OVSDatapathCore

/// What to do with an ARP request a suppressing switch sent up: the reply
/// the target would send, built byte for byte from the request, or why it
/// is flooded instead. Pure.
public enum ARPReply: Equatable, Sendable {
    /// Answer with this frame, out of the port the request came in on.
    case reply([UInt8])
    /// Flood the request as the switch would have (the reason is for the log).
    case flood(String)

    /// The answer to `request` (an Ethernet frame, untagged: stage 2 sees
    /// frames after their binding's tag was popped) from `answers`.
    public static func answer(_ request: [UInt8], from answers: [[UInt8]: EthernetAddress]) -> ARPReply {
        // Ethernet (14) + ARP for IPv4 over Ethernet (28).
        guard request.count >= 42, request[12] == 0x08, request[13] == 0x06 else { return .flood("not an untagged ARP frame") }
        let arp = Array(request[14..<42])
        guard arp[0..<6] == [0, 1, 0x08, 0x00, 6, 4] else { return .flood("not ARP for IPv4 over Ethernet") }
        guard arp[6] == 0, arp[7] == 1 else { return .flood("not a request") }
        let senderMAC = Array(arp[8..<14]), senderIP = Array(arp[14..<18]), targetIP = Array(arp[24..<28])
        // A gratuitous ARP announces, it asks nothing: the owner of the address needs no answer.
        guard senderIP != targetIP else { return .flood("gratuitous ARP") }
        guard senderMAC == Array(request[6..<12]) else { return .flood("sender hardware address is not the frame's source") }
        guard let target = answers[targetIP] else { return .flood("no answer for \(ipv4Text(targetIP))") }
        let ethernet = senderMAC + target.bytes + [0x08, 0x06]
        let reply: [UInt8] = [0, 1, 0x08, 0x00, 6, 4, 0, 2] + target.bytes + targetIP + senderMAC + senderIP
        return .reply(ethernet + reply)
    }
}
