import Testing

@testable import BFD

/// The control packet's wire format (RFC 5880 §4.1) and the checks a
/// receiver makes before any session sees it (§6.8.6).
@Suite struct BFDControlPacketTests {
    @Test func aPacketRoundTripsAndIsLaidOutAsTheRFCDraws() throws {
        var packet = BFDControlPacket()
        packet.diagnostic = .controlDetectionTimeExpired
        packet.state = .up
        packet.poll = true
        packet.detectMultiplier = 3
        packet.myDiscriminator = 0x0102_0304
        packet.yourDiscriminator = 0x0A0B_0C0D
        packet.desiredMinTxMicroseconds = 300_000
        packet.requiredMinRxMicroseconds = 100_000
        let bytes = packet.bytes
        #expect(bytes.count == 24)
        #expect(bytes[0] == 0x21, "version 1, diagnostic 1")
        #expect(bytes[1] == 0xE0, "state Up (3) << 6 | P")
        #expect(bytes[2] == 3 && bytes[3] == 24)
        #expect(Array(bytes[4..<8]) == [1, 2, 3, 4] && Array(bytes[8..<12]) == [0x0A, 0x0B, 0x0C, 0x0D])
        #expect(Array(bytes[12..<16]) == [0x00, 0x04, 0x93, 0xE0], "300,000 µs")
        #expect(try BFDControlPacket(bytes: bytes) == packet)
    }

    @Test func everyStateAndDiagnosticRoundTrips() throws {
        for state in BFDState.allCases {
            for diagnostic in BFDDiagnostic.allCases {
                var packet = BFDControlPacket()
                packet.state = state
                packet.diagnostic = diagnostic
                packet.myDiscriminator = 7
                packet.final = true
                #expect(try BFDControlPacket(bytes: packet.bytes) == packet)
            }
        }
    }

    @Test func whatAReceiverMustDiscardIsRefusedWithItsReason() {
        var good = BFDControlPacket()
        good.myDiscriminator = 9
        let bytes = good.bytes
        func refusal(_ mutate: (inout [UInt8]) -> Void) -> BFDControlPacket.Refusal? {
            var b = bytes
            mutate(&b)
            do {
                _ = try BFDControlPacket(bytes: b)
                return nil
            } catch { return error }
        }
        #expect(refusal { $0.removeLast() } == .tooShort(23))
        #expect(refusal { $0[0] = 2 << 5 } == .badVersion(2))
        #expect(refusal { $0[3] = 30 } == .badLength(declared: 30, received: 24))
        #expect(refusal { $0[3] = 20 } == .badLength(declared: 20, received: 24))
        #expect(refusal { $0[1] |= 0x04 } == .authenticationPresent)
        #expect(refusal { $0[1] |= 0x01 } == .multipointSet)
        #expect(refusal { $0[2] = 0 } == .zeroDetectMultiplier)
        #expect(refusal { $0[4...7] = [0, 0, 0, 0] } == .zeroMyDiscriminator)
        #expect(refusal { $0[0] = 1 << 5 | 31 } == .unknownDiagnostic(31))
        #expect(refusal { _ in } == nil)
        // Bytes after the declared length (padding) are ignored.
        #expect(refusal { $0 += [0, 0] } == nil)
    }

    @Test func statesAndDiagnosticsReadAsOVSWritesThem() {
        #expect(BFDState.allCases.map(\.description) == ["admin_down", "down", "init", "up"])
        #expect(BFDDiagnostic.controlDetectionTimeExpired.description == "Control Detection Time Expired")
        #expect(BFDDiagnostic.none.description == "No Diagnostic")
    }
}
