import CNetlink
import TestSupport
import Testing

@testable import OVSDatapathCore

/// Kernel replies corrupted every way the fuzzer can think of, fed to every
/// decoder a reply meets (flows, the port test before a flow's decode,
/// vports, datapaths, upcalls): each either decodes or throws a typed
/// `NetlinkDecodingError`. A trap or a crash fails the whole run. Fixed
/// seeds, bounded time, so CI replays the same inputs.
@Suite struct NetlinkFuzzTests {
    /// A dump reply for each flow of the corpus, as the kernel sends it.
    static let replies: [[UInt8]] = (FlowCorpus.throughOurAPI + FlowCorpus.throughOvsDpctl).compactMap { match, actions in
        guard let parsed = try? FlowParser.parseFlow("\(match), actions:\(actions)") else { return nil }
        var writer = NetlinkAttributeWriter()
        writer.appendFixed(GenericHeader(command: UInt8(OVS_FLOW_CMD_NEW.rawValue), version: 1))
        writer.appendFixed(Int32(7))
        writer.put(UInt16(OVS_FLOW_ATTR_UFID.rawValue), bytes: [UInt8](repeating: 1, count: 16))
        writer.nest(UInt16(OVS_FLOW_ATTR_KEY.rawValue)) { parsed.match.key.encode(into: &$0) }
        writer.nest(UInt16(OVS_FLOW_ATTR_MASK.rawValue)) { parsed.match.mask.encode(into: &$0) }
        writer.nest(UInt16(OVS_FLOW_ATTR_ACTIONS.rawValue)) { parsed.actions.encode(into: &$0) }
        return writer.bytes
    }

    static func mutate(_ input: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...6, using: &rng) where !bytes.isEmpty {
            let at = Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<6, using: &rng) {
            case 0: bytes[at] ^= UInt8.random(in: 1...255, using: &rng)
            case 1: bytes.removeSubrange(at...)  // truncated
            case 2: bytes.remove(at: at)
            case 3:
                // A length or type field: the bytes attribute headers are made of.
                let value = [UInt16(0), 1, 3, 4, 5, 0xffff, 0x8000, UInt16(bytes.count)].randomElement(using: &rng)!
                bytes[at] = UInt8(value & 0xff)
                if at + 1 < bytes.count { bytes[at + 1] = UInt8(value >> 8) }
            case 4:
                let end = min(bytes.count, at + Int.random(in: 1...64, using: &rng))
                bytes.insert(contentsOf: bytes[at..<end], at: at)
            default:
                bytes.insert(
                    contentsOf: (0..<Int.random(in: 1...16, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }, at: at)
            }
        }
        return bytes
    }

    @Test func theCorpusDecodesAsItWasWritten() throws {
        #expect(Self.replies.count == FlowCorpus.throughOurAPI.count + FlowCorpus.throughOvsDpctl.count)
        for reply in Self.replies {
            let flow = try Flow.decode(NetlinkMessage(type: 30, flags: 0, sequence: 1, portID: 0, payload: reply[...]))
            #expect(!flow.key.isEmpty && flow.ufid != nil)
        }
    }

    @Test(arguments: [UInt64(0x5EED), 0xC0FFEE, 0xBADF00D])
    func mutatedRepliesAreDecodedOrRefusedNeverCrash(seed: UInt64) {
        var rng = SplitMix64(state: seed)
        let deadline = ContinuousClock.now + .seconds(3)
        var runs = 0, decoded = 0, refused = 0
        while ContinuousClock.now < deadline {
            for _ in 0..<200 {
                let payload = Self.mutate(Self.replies.randomElement(using: &rng)!, &rng)
                let message = NetlinkMessage(type: 30, flags: 0, sequence: 1, portID: 0, payload: payload[...])
                do throws(NetlinkDecodingError) {
                    _ = try Flow.matchesInPort(message)
                    _ = try Flow.decode(message)
                    decoded += 1
                } catch {
                    refused += 1
                }
                // The same bytes as the other replies the kernel sends.
                _ = try? Vport.decode(message)
                _ = try? Datapath.decode(message)
                _ = try? Upcall.decode(message)
                runs += 1
            }
        }
        print("netlink fuzz: seed \(seed), \(runs) mutated replies, \(decoded) decoded, \(refused) refused with typed errors")
        #expect(runs > 0 && refused > 0 && decoded > 0, "both paths must be exercised")
    }
}
