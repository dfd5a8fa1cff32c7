import OVSDatapathCore

/// Flow shapes in ovs-dpctl notation, each with a distinct match so they can
/// all sit in one datapath: ports 1 and 2 are veths, port 3 the VXLAN port.
package enum FlowCorpus {
    package static let throughOurAPI: [(match: String, actions: String)] = [
        // The pipeline of docs/design.md.
        ("recirc_id(0),in_port(1),eth(src=02:00:00:00:01:01)", "recirc(0x1000021)"),
        ("recirc_id(0x1000021),eth(dst=00:11:22:33:44:55)", "set(tunnel(tun_id=0x21,src=10.2.2.1,dst=10.2.2.3,ttl=64,flags(df|key))),3"),
        (
            "recirc_id(0x1000021),in_port(1),eth(dst=01:00:00:00:00:00/01:00:00:00:00:00)",
            "set(tunnel(tun_id=0x21,src=10.2.2.1,dst=10.2.2.2,ttl=64,flags(df|key))),3"
        ),
        ("recirc_id(0x1000021),eth(dst=aa:00:00:00:00:01)", "1"),
        (
            "recirc_id(0),in_port(2),eth(src=02:00:00:00:02:02),eth_type(0x8100),vlan(vid=10),encap(eth_type(0x0806),arp())",
            "pop_vlan,recirc(0x1000022)"
        ),
        ("recirc_id(0x1000022),eth(dst=aa:00:00:00:00:02)", "push_vlan(vid=10,pcp=0),2"),
        ("recirc_id(0),tunnel(tun_id=0x21,dst=10.2.2.1/0.0.0.0,ttl=64/0),in_port(3),eth(dst=aa:00:00:00:00:01)", "1"),
        ("recirc_id(0),tunnel(tun_id=0x21,dst=10.2.2.1/0.0.0.0,ttl=64/0),in_port(3),eth(dst=01:00:00:00:00:00/01:00:00:00:00:00)", "1,2"),
        ("recirc_id(0),tunnel(tun_id=0x22,src=10.2.2.3,dst=10.2.2.1,ttl=64/0),in_port(3),eth()", "2"),
        ("recirc_id(0),tunnel(tun_id=0x30/0xff,src=10.2.2.5,dst=10.2.2.1,ttl=64/0,flags(-df+key)),in_port(3),eth()", "2"),
        // L3/L4 matches.
        (
            "recirc_id(0x1),in_port(1),eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),eth_type(0x0800),ipv4(src=192.168.1.1,dst=192.168.1.2,proto=6,tos=0,ttl=64,frag=no),tcp(src=1234,dst=80),tcp_flags(0/0)",
            "2"
        ),
        ("recirc_id(0x2),eth(),eth_type(0x0800),ipv4(src=10.0.0.0/255.0.0.0,frag=no)", "1"),
        ("recirc_id(0x3),eth(),eth_type(0x0800),ipv4(proto=17,frag=no),udp(dst=4789)", "2"),
        ("recirc_id(0x4),eth(),eth_type(0x0800),ipv4(proto=1,frag=no),icmp(type=8,code=0)", "1"),
        ("recirc_id(0x5),eth(),eth_type(0x0806),arp(sip=10.0.0.1,tip=10.0.0.2,op=1)", "1,2"),
        ("recirc_id(0x6),in_port(2),eth(src=02:00:00:00:00:09),eth_type(0x0806),arp(op=2,sha=02:00:00:00:00:09)", "1"),
        ("recirc_id(0x17),eth(),eth_type(0x0800),ipv4(proto=6,frag=no),tcp(dst=22),tcp_flags(syn)", "1"),
        ("recirc_id(0x18),eth(),eth_type(0x0800),ipv4(proto=6,frag=no),tcp(dst=1024/0xfc00),tcp_flags(0/0)", "2"),
        ("recirc_id(0x19),eth(),eth_type(0x0800),ipv4(tos=0x10,ttl=1,frag=no)", "1"),
        (
            "recirc_id(0x15),eth(),eth_type(0x86dd),ipv6(src=2001:db8::1,dst=2001:db8::2,proto=58,frag=no),icmpv6(type=135,code=0),nd(target=2001:db8::2)",
            "1"
        ),
        ("recirc_id(0x16),eth(),eth_type(0x86dd),ipv6(dst=2001:db8::/ffff:ffff::,frag=no)", "2"),
        ("recirc_id(0x20),in_port(1),eth(dst=ff:ff:ff:ff:ff:ff),eth_type(0x0806),arp()", "2"),
        (
            "recirc_id(0x14),in_port(2),eth(src=02:00:00:00:00:14),eth_type(0x8100),vlan(vid=20,pcp=3),encap(eth_type(0x0800),ipv4(dst=10.1.1.1,frag=no))",
            "pop_vlan,1"
        ),
        // Masked MACs, metadata.
        ("recirc_id(0x7),eth(src=02:00:00:00:00:00/ff:ff:ff:00:00:00)", "1"),
        ("recirc_id(0x8),eth(dst=02:00:00:00:00:00/02:00:00:00:00:00)", "drop"),
        ("recirc_id(0x9),in_port(1),eth()", "drop"),
        ("recirc_id(0x12),skb_mark(0x5),eth()", "1"),
        ("recirc_id(0x13),skb_priority(0x3),eth()", "1"),
        ("recirc_id(0x2000001),dp_hash(0x1/0x1),eth()", "1"),
        ("recirc_id(0x2000001),dp_hash(0/0x1),eth()", "2"),
        (
            "recirc_id(0x1a),in_port(2),eth(src=02:00:00:00:00:1a),eth_type(0x8100),vlan(vid=100),encap(eth_type(0x86dd),ipv6(frag=no))",
            "pop_vlan,push_vlan(vid=200,pcp=0),1"
        ),
        // Actions.
        ("recirc_id(0xa),eth(dst=ff:ff:ff:ff:ff:ff)", "1,2,3"),
        (
            "recirc_id(0xb),eth(dst=aa:00:00:00:00:0b)",
            "clone(set(tunnel(tun_id=0x21,src=10.2.2.1,dst=10.2.2.2,ttl=64,flags(df|key))),3),clone(set(tunnel(tun_id=0x21,src=10.2.2.1,dst=10.2.2.4,ttl=64,flags(df|key))),3),1"
        ),
        ("recirc_id(0xc),eth(dst=aa:00:00:00:00:0c)", "set(eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02)),1"),
        ("recirc_id(0xd),eth(dst=aa:00:00:00:00:0d)", "set(eth(dst=02:00:00:00:00:05)),2"),
        ("recirc_id(0xe),eth()", "hash(l4(0)),recirc(0x2000001)"),
        ("recirc_id(0xf),eth()", "userspace(pid=12345)"),
        ("recirc_id(0x10),eth()", "userspace(pid=12345,userdata(0102030405060708))"),
        ("recirc_id(0x11),eth()", "sample(sample=50.0%,actions(1))"),
        ("recirc_id(0x1b),eth(dst=aa:00:00:00:00:1b)", "push_vlan(tpid=0x88a8,vid=30,pcp=5),1"),
        (
            "recirc_id(0x1c),eth()",
            "set(tunnel(tun_id=0xabcdef,src=10.2.2.1,dst=10.2.2.9,tos=0x10,ttl=32,tp_dst=4790,flags(df|csum|key))),3"
        ),
        ("recirc_id(0x1d),eth()", "set(tunnel(tun_id=0x1,dst=10.2.2.9,ttl=64,flags(key))),3"),
        ("recirc_id(0x1e),in_port(1),eth()", "recirc(0x1f)"),
        ("recirc_id(0x1f),eth()", "clone(clone(1)),2"),
        ("recirc_id(0x21),eth()", "hash(l4(7)),recirc(0x2000002)"),
    ]

    /// Written the way `ovs-dpctl add-flow` takes them (decimal recirc ids,
    /// no eth_type for L2-only flows).
    package static let throughOvsDpctl: [(match: String, actions: String)] = [
        ("recirc_id(100),in_port(1),eth(src=02:00:00:00:01:01)", "recirc(16777249)"),
        ("recirc_id(101),eth(dst=00:11:22:33:44:55)", "set(tunnel(tun_id=0x21,src=10.2.2.1,dst=10.2.2.3,ttl=64,flags(df|key))),3"),
        ("recirc_id(102),eth(dst=aa:00:00:00:00:01)", "push_vlan(vid=10,pcp=0),2"),
        ("recirc_id(104),eth(),eth_type(0x0800),ipv4(src=10.0.0.0/255.0.0.0,frag=no)", "1,2"),
        ("recirc_id(105),eth(),eth_type(0x0806),arp(sip=10.0.0.1,tip=10.0.0.2,op=1)", "2"),
        ("recirc_id(106),eth(dst=01:00:00:00:00:00/01:00:00:00:00:00)", "clone(1),2"),
        ("recirc_id(107),in_port(2),eth()", "1"),
        ("recirc_id(108),eth()", "recirc(200)"),
        ("recirc_id(109),eth()", "userspace(pid=12345)"),
        ("recirc_id(110),eth(),eth_type(0x0800),ipv4(proto=6,frag=no),tcp(dst=80),tcp_flags(0/0)", "1"),
    ]
}
