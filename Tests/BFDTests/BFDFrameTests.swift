import Testing

@testable import BFD

/// The frame a control packet travels in (RFC 5881 over a tunnel), and the
/// settings read from `bfd_params`.
@Suite struct BFDFrameTests {
    static func frame() -> BFDFrame {
        var packet = BFDControlPacket()
        packet.myDiscriminator = 0x1234
        packet.state = .initializing
        return BFDFrame(
            sourceMAC: BFDFrame.defaultMAC, destinationMAC: [0x02, 0, 0, 0, 0, 9], sourceIP: BFDFrame.defaultLocalIP,
            destinationIP: BFDFrame.defaultRemoteIP, sourcePort: 49_152, packet: packet)
    }

    @Test func aFrameIsLaidOutAsOVSSendsItAndReadsBack() throws {
        let bytes = Self.frame().bytes
        #expect(bytes.count == 14 + 20 + 8 + 24)
        #expect(Array(bytes[0..<6]) == [0x02, 0, 0, 0, 0, 9] && Array(bytes[6..<12]) == BFDFrame.defaultMAC)
        #expect(bytes[12] == 0x08 && bytes[13] == 0x00)
        #expect(bytes[14] == 0x45 && bytes[15] == 0xc0, "IPv4, precedence internetwork control")
        #expect(bytes[16] == 0 && bytes[17] == 52 && bytes[22] == 255 && bytes[23] == 17)
        // A header with its checksum in place sums to 0xffff (RFC 1071).
        #expect(BFDFrame.checksum(Array(bytes[14..<34])) == 0)
        #expect(Array(bytes[34..<38]) == [0xc0, 0x00, 0x0e, 0xc8], "from 49152 to 3784")
        #expect(try BFDFrame(bytes: bytes) == Self.frame())
    }

    @Test func theChecksumMatchesAKnownHeader() {
        // The example header of RFC 1071's usual illustration (Wikipedia's IPv4 article): 0xb861.
        let header: [UInt8] = [
            0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0, 0, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
        ]
        #expect(BFDFrame.checksum(header) == 0xb861)
    }

    @Test func framesThatAreNotOneHopBFDAreRefused() {
        let good = Self.frame().bytes
        func refusal(_ mutate: (inout [UInt8]) -> Void) -> BFDFrame.Refusal? {
            var bytes = good
            mutate(&bytes)
            do {
                _ = try BFDFrame(bytes: bytes)
                return nil
            } catch { return error }
        }
        #expect(refusal { $0[22] = 254 } == .ttlNot255(254))
        #expect(refusal { $0[37] = 0xc9 } == .notIPv4UDPToPort3784, "port 3785 (echo)")
        #expect(refusal { $0[23] = 6 } == .notIPv4UDPToPort3784, "TCP")
        #expect(
            refusal {
                $0[12] = 0x86; $0[13] = 0xdd
            } == .notIPv4UDPToPort3784, "IPv6")
        #expect(refusal { $0.removeLast(10) } == .truncated)
        #expect(refusal { $0[42] = 2 << 5 } == .packet(.badVersion(2)))
        #expect(refusal { _ in } == nil)
    }

    @Test func parametersTakeOVSDefaultsAndNameWhatDoesNotParse() {
        let defaults = BFDParameters([:])
        #expect(!defaults.enabled && defaults.configuration.minRxMicroseconds == 1_000_000)
        #expect(defaults.configuration.minTxMicroseconds == 100_000 && defaults.problems.isEmpty)
        let set = BFDParameters([
            "enable": "true", "min_rx": "300", "min_tx": "100", "forwarding_if_rx": "true", "cpath_down": "false", "check_tnl_key": "true",
            "decay_min_rx": "2000", "other": "ignored",
        ])
        #expect(set.enabled && set.configuration.minRxMicroseconds == 300_000 && set.configuration.minTxMicroseconds == 100_000)
        #expect(set.forwardingIfRx && !set.concatenatedPathDown && set.checkTunnelKey && set.decayMinRxMilliseconds == 2000)
        #expect(set.problems.isEmpty)
        let bad = BFDParameters(["enable": "yes", "min_rx": "fast", "min_tx": "0"])
        #expect(!bad.enabled && bad.configuration.minRxMicroseconds == 1_000_000)
        #expect(bad.configuration.minTxMicroseconds == 1_000, "0 is raised to OVS's 1 ms floor")
        #expect(bad.problems == ["enable=yes: not true or false", "min_rx=fast: not a number of milliseconds"])
    }
}
