import Foundation
import TestSupport
import Testing

@testable import OVSDB
@testable import VTEPModel

/// A bounded mutation fuzzer for the framer, the message envelope and the
/// row decoder: valid OVSDB traffic is corrupted (bytes flipped, dropped,
/// repeated, structural characters inserted, streams cut) and fed through
/// exactly the path the client uses. Nothing may crash, hang or grow past
/// the framer's limit; every rejection must be a typed error.
///
/// Deterministic per seed. `VTEPKDP_FUZZ_SECONDS` sets the budget (CI: 10 s).
@Suite struct OVSDBFuzzTests {
    static let a = "0a1b2c3d-0000-4000-8000-00000000000a"
    static let b = "0a1b2c3d-0000-4000-8000-00000000000b"
    static let c = "0a1b2c3d-0000-4000-8000-00000000000c"

    /// Valid traffic: a monitor_cond_since reply and update2/update3/update notifications.
    static let corpus: [String] = [
        #"{"id":3,"result":[false,"\#(c)",{"Logical_Switch":{"\#(a)":{"initial":{"name":"ls0","tunnel_key":33,"replication_mode":["set",[]],"other_config":["map",[]]}}},"Physical_Locator":{"\#(b)":{"initial":{"encapsulation_type":"vxlan_over_ipv4","dst_ip":"10.2.2.3"}}},"Ucast_Macs_Remote":{"\#(c)":{"initial":{"MAC":"00:11:22:33:44:55","logical_switch":["uuid","\#(a)"],"locator":["uuid","\#(b)"],"ipaddr":""}}}}],"error":null}"#,
        #"{"id":null,"method":"update2","params":["hardware_vtep",{"Logical_Switch":{"\#(a)":{"modify":{"tunnel_key":44,"other_config":["map",[["k","v"]]]}}}}]}"#,
        #"{"id":null,"method":"update3","params":["hardware_vtep","\#(b)",{"Physical_Port":{"\#(b)":{"insert":{"name":"p0","vlan_bindings":["map",[[0,["uuid","\#(a)"]]]],"port_fault_status":["set",["a","b"]]}}},"Logical_Switch":{"\#(a)":{"delete":null}}}]}"#,
        #"{"id":null,"method":"update","params":["hardware_vtep",{"Physical_Switch":{"\#(c)":{"new":{"name":"br0","tunnel_ips":"10.2.2.1","ports":["set",[["uuid","\#(b)"]]]}}}}]}"#,
        #"{"id":"echo","method":"echo","params":["x\"\\\u00e9"]}"#,
    ]

    static func mutate(_ input: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var bytes = input
        let structural: [UInt8] = Array(#"{}[]",:\ 0-9e."#.utf8) + [0xff, 0xc3, 0x00, 0x80]
        for _ in 0..<Int.random(in: 1...4, using: &rng) where !bytes.isEmpty {
            let at = Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<8, using: &rng) {
            case 6:
                // Deep nesting: far past the reader's bound, within what a message may hold.
                bytes.insert(contentsOf: Array(repeating: UInt8(ascii: "["), count: Int.random(in: 100...3_000, using: &rng)), at: at)
            case 7:
                // A huge member count for the look-ahead to find.
                bytes.insert(contentsOf: Array(repeating: UInt8(ascii: ","), count: Int.random(in: 100...3_000, using: &rng)), at: at)
            case 0: bytes[at] ^= UInt8.random(in: 1...255, using: &rng)
            case 1: bytes.remove(at: at)
            case 2: bytes.insert(structural.randomElement(using: &rng)!, at: at)
            case 3: bytes.removeSubrange(at...)
            case 4:
                let end = min(bytes.count, at + Int.random(in: 1...40, using: &rng))
                bytes.insert(contentsOf: bytes[at..<end], at: at)
            default: bytes[at] = structural.randomElement(using: &rng)!
            }
        }
        return bytes
    }

    /// The client's receive path, minus the socket.
    static func feed(_ stream: [UInt8], chunk: Int, limit: Int, replica: inout VTEPDatabase) -> (
        messages: Int, rejected: Int, largest: Int
    ) {
        var framer = JSONFramer(maxMessageBytes: limit)
        var pending: [UInt8] = []
        var messages = 0, rejected = 0, largest = 0
        var offset = 0
        while offset < stream.count {
            pending += stream[offset..<min(offset + chunk, stream.count)]
            offset += chunk
            while true {
                let length: Int?
                do { length = try pending.withUnsafeBytes { try framer.nextMessageLength(in: $0) } } catch {
                    return (messages, rejected + 1, largest)
                }  // the connection would close here
                guard let length else { break }
                let frame = Array(pending[..<length])
                largest = max(largest, length)
                pending.removeFirst(length)
                messages += 1
                do throws(JSONError) {
                    let message = try OVSDBMessage(bytes: frame)
                    var changes: [VTEPChange] = []
                    if message.kind == .notification {
                        _ = try replica.applyUpdateNotification(message, changes: &changes)
                    } else if let result = message.result {
                        try message.read(result) { (reader) throws(JSONError) in
                            guard try reader.beginArray() else { return }
                            _ = try reader.readBool(); _ = try reader.nextElement()
                            _ = try reader.readString(); _ = try reader.nextElement()
                            try replica.apply(&reader, format: .update2, changes: &changes)
                            _ = try reader.nextElement()
                        }
                    }
                } catch {
                    rejected += 1
                }
            }
            precondition(pending.count <= limit + chunk, "the framer let its input grow past the limit")
        }
        return (messages, rejected, largest)
    }

    @Test func theCorpusItselfDecodesCleanly() {
        var replica = VTEPDatabase()
        let stream = Array(Self.corpus.joined(separator: "\n").utf8)
        let (messages, rejected, _) = Self.feed(stream, chunk: 7, limit: 1 << 16, replica: &replica)
        #expect(messages == Self.corpus.count)
        #expect(rejected == 0)
        #expect(replica.physicalPorts.count == 1 && replica.logicalSwitches.isEmpty && replica.ucastMacsRemote.count == 1)
    }

    @Test func mutatedTrafficNeverCrashesOrGrowsUnbounded() {
        let seconds = Double(ProcessInfo.processInfo.environment["VTEPKDP_FUZZ_SECONDS"] ?? "") ?? 10
        let seed = UInt64(ProcessInfo.processInfo.environment["VTEPKDP_FUZZ_SEED"] ?? "") ?? 0x5EED
        var rng = SplitMix64(state: seed)
        let deadline = Date().addingTimeInterval(seconds)
        var runs = 0, messages = 0, rejected = 0, overLimit = 0, largest = 0
        while Date() < deadline {
            for _ in 0..<50 {
                var stream: [UInt8] = []
                var longestPiece = 0
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    let piece = Self.mutate(Array(Self.corpus.randomElement(using: &rng)!.utf8), &rng)
                    longestPiece = max(longestPiece, piece.count)
                    stream += piece
                }
                // A limit below some messages' size, so the framer's cut is exercised too
                // (with the old fixed 4,096 bytes no stream ever reached it).
                let limit = Int.random(in: 256...4_096, using: &rng)
                var replica = VTEPDatabase()
                let result = Self.feed(stream, chunk: Int.random(in: 1...512, using: &rng), limit: limit, replica: &replica)
                messages += result.messages
                rejected += result.rejected
                largest = max(largest, result.largest)
                if longestPiece > limit { overLimit += 1 }
                #expect(result.largest <= limit, "a message past the limit was framed")
                runs += 1
            }
        }
        print(
            "fuzz: seed \(seed), \(runs) streams (\(overLimit) with a message longer than their limit), \(messages) messages framed (largest \(largest) bytes), "
                + "\(rejected) rejected with typed errors")
        #expect(runs > 0)
        #expect(rejected > 0, "mutations must exercise the error paths")
        #expect(overLimit > 0, "some messages must exceed the framer's limit")
    }
}
