import Testing

@testable import OVSDatapathCore

/// The ovs-dpctl notation without a kernel: parse → print round trips, the
/// printf corner cases OVS has, and clear errors for bad text.
@Suite struct FlowNotationTests {
    /// Matches whose parsed key and mask print back unchanged.
    @Test(arguments: [
        "recirc_id(0),in_port(1),eth(src=02:00:00:00:01:01)",
        "recirc_id(0x1000021),eth(dst=01:00:00:00:00:00/01:00:00:00:00:00)",
        "recirc_id(0),tunnel(tun_id=0x21,src=10.2.2.3,dst=10.2.2.1,flags(+key)),in_port(3),eth()",
        "recirc_id(0x5),eth(),eth_type(0x0806),arp(sip=10.0.0.1,tip=10.0.0.2,op=1)",
        "recirc_id(0x2),eth(),eth_type(0x0800),ipv4(src=10.0.0.0/255.0.0.0,proto=6,ttl=64,frag=no),tcp(dst=1024/0xfc00)",
        "recirc_id(0x16),eth(),eth_type(0x86dd),ipv6(dst=2001:db8::/ffff:ffff::,frag=no)",
        "recirc_id(0x14),in_port(2),eth(src=02:00:00:00:00:14),eth_type(0x8100),vlan(vid=20,pcp=3),encap(eth_type(0x0800),ipv4(dst=10.1.1.1,frag=no))",
        "recirc_id(0x2000001),dp_hash(0x1/0x1),skb_mark(0x5),eth()",
        "recirc_id(0x17),eth(),eth_type(0x0800),ipv4(proto=6,frag=no),tcp(dst=22),tcp_flags(syn|ack)",
        "recirc_id(0x18),eth(),eth_type(0x0800),ipv4(proto=6,frag=no),tcp_flags(+syn-ack)",
    ])
    func matchRoundTrips(text: String) throws {
        let match = try FlowParser.parseMatch(text)
        #expect(FlowFormatter.formatMatch(key: match.key, mask: match.mask) == text)
    }

    @Test(arguments: [
        "recirc(0x1000021)",
        "set(tunnel(tun_id=0x21,src=10.2.2.1,dst=10.2.2.3,ttl=64,flags(df|key))),3",
        "pop_vlan,push_vlan(vid=10,pcp=0),2",
        "push_vlan(tpid=0x88a8,vid=30,pcp=5),1",
        "clone(set(tunnel(tun_id=0x21,dst=10.2.2.2,ttl=64,flags(key))),3),1,2",
        "set(eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02)),1",
        "set(eth(dst=02:00:00:00:00:05)),2",
        "hash(l4(0)),recirc(0x2000001)",
        "userspace(pid=12345,userdata(0102030405060708),tunnel_out_port=3)",
        "sample(sample=50.0%,actions(1))",
        "clone(clone(1)),2",
        "drop",
    ])
    func actionsRoundTrip(text: String) throws {
        #expect(FlowFormatter.formatActions(try FlowParser.parseActions(text)) == text)
    }

    @Test func theL2OnlyMarkerSendsNoEthertype() throws {
        let match = try FlowParser.parseMatch("recirc_id(0),in_port(1),eth(src=02:00:00:00:01:01),eth_type(0/0x0000)")
        #expect(match.key[type: OVSKey.ethertype] == nil)
        #expect(match.mask[type: OVSKey.ethertype] == nil)
    }

    /// As the kernel dumps an L2-only flow: ETHERTYPE only in the mask, at 0.
    @Test func aMaskOnlyEthertypeIsPrintedAtTheEnd() {
        let key = [
            FlowKeyAttribute(type: OVSKey.recircID, bytes: [0, 0, 0, 0]),
            FlowKeyAttribute(type: OVSKey.ethernet, bytes: [2, 0, 0, 0, 1, 1] + [UInt8](repeating: 0, count: 6)),
        ]
        let mask = [
            FlowKeyAttribute(type: OVSKey.recircID, bytes: [0xff, 0xff, 0xff, 0xff]),
            FlowKeyAttribute(type: OVSKey.ethernet, bytes: [UInt8](repeating: 0xff, count: 6) + [UInt8](repeating: 0, count: 6)),
            FlowKeyAttribute(type: OVSKey.ethertype, bytes: [0, 0]),
        ]
        #expect(FlowFormatter.formatMatch(key: key, mask: mask) == "recirc_id(0),eth(src=02:00:00:00:01:01),eth_type(0/0x0000)")
    }

    @Test func wildcardedAttributesAreLeftOutButEthernetStays() {
        let key = [
            FlowKeyAttribute(type: OVSKey.skbMark, bytes: [5, 0, 0, 0]),
            FlowKeyAttribute(type: OVSKey.ethernet, bytes: [UInt8](repeating: 1, count: 12)),
        ]
        let mask = [
            FlowKeyAttribute(type: OVSKey.skbMark, bytes: [0, 0, 0, 0]),
            FlowKeyAttribute(type: OVSKey.ethernet, bytes: [UInt8](repeating: 0, count: 12)),
        ]
        #expect(FlowFormatter.formatMatch(key: key, mask: mask) == "eth()")
    }

    @Test func printfCornerCases() {
        #expect(FlowFormatter.hexAlt(0) == "0")
        #expect(FlowFormatter.hexAlt(0x21) == "0x21")
        #expect(FlowFormatter.formatFixed1(50.0) == "50.0")
        #expect(FlowFormatter.formatFixed3(1.5) == "1.500")
        // in_port wildcarded in its upper half, as the kernel dumps a flow without one.
        var out = ""
        FlowFormatter.formatKeyAttribute(
            FlowKeyAttribute(type: OVSKey.inPort, bytes: [0, 0, 0, 0]),
            mask: FlowKeyAttribute(type: OVSKey.inPort, bytes: [0, 0, 0xff, 0xff]),
            verbose: false, into: &out)
        #expect(out == "in_port(0/0xffff0000)")
    }

    @Test func statsAndUsedPrintLikeDumpFlows() throws {
        let parsed = try FlowParser.parseMatch("recirc_id(0),in_port(1),eth(src=02:00:00:00:01:01)")
        var flow = Flow(key: parsed.key, mask: parsed.mask, actions: [.recirculate(id: 0x100_0021)])
        #expect(FlowFormatter.format(flow).hasSuffix(", packets:0, bytes:0, used:never, actions:recirc(0x1000021)"))
        flow.stats = FlowStats(packets: 3, bytes: 180, usedMilliseconds: 10_000, tcpFlags: 0x12)
        #expect(
            FlowFormatter.format(flow, nowMilliseconds: 12_500)
                .hasSuffix(", packets:3, bytes:180, used:2.500s, flags:syn|ack, actions:recirc(0x1000021)"))
    }

    @Test(arguments: [
        "recirc_id(0),bogus(1)",
        "eth(src=02:00:00:00:01)",
        "eth(color=red)",
        "ipv4(src=10.0.0.300)",
        "recirc_id(0",
        "recirc_id(0x1ffffffff)",
        "tunnel(tun_id=0x1,flags(+warp))",
    ])
    func badMatchesAreRefusedWithAReason(text: String) {
        #expect(throws: FlowNotationError.self) { try FlowParser.parseMatch(text) }
    }

    @Test(arguments: ["teleport(1)", "recirc(zz)", "hash(md5(1))", "userspace(userdata(01))", "1,,"])
    func badActionsAreRefusedWithAReason(text: String) {
        #expect(throws: FlowNotationError.self) { try FlowParser.parseActions(text) }
    }
}

/// Netlink encoding of keys and actions, and UFIDs.
@Suite struct FlowCodecTests {
    @Test func keysSurviveEncodeAndDecode() throws {
        let match = try FlowParser.parseMatch(
            "recirc_id(0),tunnel(tun_id=0x21,dst=10.2.2.1/0.0.0.0,ttl=64/0),in_port(3),eth(dst=aa:00:00:00:00:01),eth_type(0x8100),vlan(vid=10),encap(eth_type(0x0800),ipv4(frag=no))"
        )
        var writer = NetlinkAttributeWriter()
        match.key.encode(into: &writer)
        #expect(try [FlowKeyAttribute].decodeKey(NetlinkAttributeReader(writer.bytes)) == match.key)
    }

    @Test func actionsSurviveEncodeAndDecode() throws {
        let actions = try FlowParser.parseActions(
            "pop_vlan,push_vlan(vid=10,pcp=0),set(tunnel(tun_id=0x21,src=10.2.2.1,dst=10.2.2.3,ttl=64,flags(df|key))),3,set(eth(dst=02:00:00:00:00:05)),hash(l4(9)),clone(1),sample(sample=25.0%,actions(2)),userspace(pid=7,userdata(ab)),recirc(0x1f)"
        )
        var writer = NetlinkAttributeWriter()
        actions.encode(into: &writer)
        #expect(try [FlowAction].decode(NetlinkAttributeReader(writer.bytes)) == actions)
    }

    @Test func unknownActionsArePreservedAsBytes() throws {
        var writer = NetlinkAttributeWriter()
        writer.put(99, bytes: [1, 2, 3])
        let actions = try [FlowAction].decode(NetlinkAttributeReader(writer.bytes))
        #expect(actions == [.unknown(type: 99, payload: [1, 2, 3])])
        #expect(FlowFormatter.formatActions(actions) == "action99(010203)")
    }

    @Test func ufidsAreStableFNV1a128() {
        // FNV-1a of the empty string is the offset basis.
        #expect(FlowUFID(deriving: "").value == 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d)
        #expect(FlowUFID(deriving: "ls0 aa:00:00:00:00:01") == FlowUFID(deriving: "ls0 aa:00:00:00:00:01"))
        #expect(FlowUFID(deriving: "ls0 aa:00:00:00:00:01") != FlowUFID(deriving: "ls0 aa:00:00:00:00:02"))
        let ufid = FlowUFID(0x0011_2233_4455_6677_8899_aabb_ccdd_eeff)
        #expect(ufid.description == "ufid:00112233-4455-6677-8899-aabbccddeeff")
        #expect(FlowUFID(bytes: ufid.bytes) == ufid)
    }
}
