import CNetlink
import Testing

@testable import OVSDatapathCore

/// `Flow.matchesInPort` on dump replies built by hand: the test a dump
/// makes before it decodes a flow, so every way a port can be present,
/// masked out or absent is pinned here without a kernel.
@Suite struct FlowPortMatchTests {
    /// A flow dump reply: KEY with `keyPort` (if any), MASK with `maskPort` (if any; no MASK at all when `withMask` is false).
    static func reply(keyPort: UInt32?, maskPort: UInt32?, withMask: Bool = true) -> NetlinkMessage {
        var writer = NetlinkAttributeWriter()
        writer.appendFixed(GenericHeader(command: UInt8(OVS_FLOW_CMD_NEW.rawValue), version: 1))
        writer.appendFixed(Int32(7))
        writer.put(UInt16(OVS_FLOW_ATTR_UFID.rawValue), bytes: [UInt8](repeating: 1, count: 16))
        writer.nest(UInt16(OVS_FLOW_ATTR_KEY.rawValue)) { key in
            key.put(OVSKey.recircID, u32: 0)
            if let keyPort { key.put(OVSKey.inPort, u32: keyPort) }
            key.put(OVSKey.ethernet, bytes: [2, 0, 0, 0, 0, 1, 0xaa, 0, 0, 0, 0, 1])
        }
        if withMask {
            writer.nest(UInt16(OVS_FLOW_ATTR_MASK.rawValue)) { mask in
                mask.put(OVSKey.recircID, u32: 0xffff_ffff)
                if let maskPort { mask.put(OVSKey.inPort, u32: maskPort) }
                mask.put(OVSKey.ethernet, bytes: [UInt8](repeating: 0xff, count: 6) + [UInt8](repeating: 0, count: 6))
            }
        }
        writer.nest(UInt16(OVS_FLOW_ATTR_ACTIONS.rawValue)) { $0.put(UInt16(OVS_ACTION_ATTR_OUTPUT.rawValue), u32: 2) }
        return NetlinkMessage(type: 30, flags: 0, sequence: 1, portID: 0, payload: writer.bytes[...])
    }

    @Test("a port in the key under a mask of all ones is matched")
    func exactPort() throws {
        #expect(try Flow.matchesInPort(Self.reply(keyPort: 1, maskPort: 0xffff_ffff)))
    }

    @Test("the kernel's form of a flow installed without in_port (0 under 0xffff0000) is not matched")
    func portLeftOut() throws {
        #expect(try !Flow.matchesInPort(Self.reply(keyPort: 0, maskPort: 0xffff_0000)))
    }

    @Test("a mask missing any of the 16 port bits is not matched")
    func partlyMasked() throws {
        #expect(try !Flow.matchesInPort(Self.reply(keyPort: 1, maskPort: 0xffff_fffe)))
    }

    @Test("a key without a port is not matched, whatever the mask says")
    func noPortInKey() throws {
        #expect(try !Flow.matchesInPort(Self.reply(keyPort: nil, maskPort: 0xffff_ffff)))
        #expect(try !Flow.matchesInPort(Self.reply(keyPort: nil, maskPort: nil)))
    }

    @Test("an exact-match flow (no mask, or a mask without a port) is matched when its key has a port")
    func noMaskMeansExact() throws {
        #expect(try Flow.matchesInPort(Self.reply(keyPort: 3, maskPort: nil, withMask: false)))
        #expect(try Flow.matchesInPort(Self.reply(keyPort: 3, maskPort: nil)))
    }

    @Test("whenever it says matched, the full decode finds the same port the learning path reads")
    func agreesWithFullDecode() throws {
        let message = Self.reply(keyPort: 5, maskPort: 0xffff_ffff)
        let flow = try Flow.decode(message)
        #expect(try Flow.matchesInPort(message))
        #expect(flow.key[type: OVSKey.inPort]?.bytes == [5, 0, 0, 0])
    }

    @Test("a truncated attribute is an error, not a guess")
    func truncated() {
        var writer = NetlinkAttributeWriter()
        writer.appendFixed(GenericHeader(command: 1, version: 1))
        writer.appendFixed(Int32(7))
        writer.appendFixed(UInt16(40))  // an attribute that claims 40 bytes…
        writer.appendFixed(UInt16(OVS_FLOW_ATTR_KEY.rawValue))  // …of which none follow
        let message = NetlinkMessage(type: 30, flags: 0, sequence: 1, portID: 0, payload: writer.bytes[...])
        #expect(throws: NetlinkDecodingError.self) { try Flow.matchesInPort(message) }
    }
}
