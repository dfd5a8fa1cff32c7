import Testing

@testable import VTEPCompiler

/// The reply vtep-kdp sends for a known address, byte for byte, and the
/// requests it floods instead. Pure.
@Suite struct ARPReplyTests {
    static let vm1: [UInt8] = [0xaa, 0, 0, 0, 0, 1], vm3 = EthernetAddress("00:11:22:33:44:55")!
    static let answers: [[UInt8]: EthernetAddress] = [[192, 168, 100, 55]: vm3]

    /// VM1 (192.168.100.1) asks who has `target`, as arping sends it.
    static func request(target: [UInt8], sender: [UInt8] = [192, 168, 100, 1], op: UInt8 = 1, senderMAC: [UInt8] = vm1) -> [UInt8] {
        [0xff, 0xff, 0xff, 0xff, 0xff, 0xff] + vm1 + [0x08, 0x06] + [0, 1, 0x08, 0, 6, 4, 0, op] + senderMAC + sender
            + [0, 0, 0, 0, 0, 0] + target
    }

    @Test func theReplyIsWhatTheOwnerWouldSend() {
        let reply = ARPReply.answer(Self.request(target: [192, 168, 100, 55]), from: Self.answers)
        let expected: [UInt8] =
            Self.vm1 + Self.vm3.bytes + [0x08, 0x06] + [0, 1, 0x08, 0, 6, 4, 0, 2] + Self.vm3.bytes + [192, 168, 100, 55] + Self.vm1
            + [192, 168, 100, 1]
        #expect(reply == .reply(expected))
        // Ethernet padding after the ARP body changes nothing.
        #expect(ARPReply.answer(Self.request(target: [192, 168, 100, 55]) + [UInt8](repeating: 0, count: 18), from: Self.answers) == reply)
    }

    @Test func whatIsNotAPlainRequestForAKnownAddressIsFlooded() {
        func flooded(_ frame: [UInt8]) -> Bool { if case .flood = ARPReply.answer(frame, from: Self.answers) { true } else { false } }
        #expect(flooded(Self.request(target: [192, 168, 100, 56])), "unknown address")
        #expect(flooded(Self.request(target: [192, 168, 100, 55], op: 2)), "a reply")
        #expect(flooded(Self.request(target: [192, 168, 100, 55], sender: [192, 168, 100, 55])), "gratuitous")
        #expect(flooded(Self.request(target: [192, 168, 100, 55], senderMAC: [0xaa, 0, 0, 0, 0, 2])), "proxied")
        #expect(flooded(Array(Self.request(target: [192, 168, 100, 55]).prefix(41))), "cut short")
        var ipv6 = Self.request(target: [192, 168, 100, 55])
        ipv6[16] = 0x86
        #expect(flooded(ipv6), "not IPv4")
    }

    @Test func aDADProbeForAKnownAddressIsAnswered() {
        // Duplicate address detection (sender 0.0.0.0): the answer tells the host the address is taken.
        #expect(ARPReply.answer(Self.request(target: [192, 168, 100, 55], sender: [0, 0, 0, 0]), from: Self.answers) != .flood(""))
        if case .reply(let frame) = ARPReply.answer(Self.request(target: [192, 168, 100, 55], sender: [0, 0, 0, 0]), from: Self.answers) {
            #expect(Array(frame[38..<42]) == [0, 0, 0, 0])
        } else {
            Issue.record("a probe for a known address was not answered")
        }
    }
}
