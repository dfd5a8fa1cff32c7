/// The identity a flow's UFID is derived from: a canonical text of its
/// *match*, nothing else. Two flows with the same match therefore share a
/// UFID — a MAC that moves from remote to local changes the actions of one
/// flow instead of adding a second, overlapping one (which the kernel would
/// refuse) — and a restarted vtep-kdp finds each flow under the UFID it
/// would give it now.
public enum FlowIdentity {
    /// Stage 1: `recirc_id(0),in_port(P),eth(src=M)`.
    public static func ingress(port: UInt32, source: EthernetAddress) -> String { "s1 in_port=\(port) src=\(source)" }
    /// Stage 2: `recirc_id(R(vni)),eth(dst=M)`, whether M is remote or local.
    public static func forward(vni: UInt32, destination: EthernetAddress) -> String {
        // One per remote MAC, so 100,000 for a bulk commit: written straight
        // into the string's storage rather than interpolated (the same text).
        String(unsafeUninitializedCapacity: 22 + EthernetAddress.textLength) { out in
            var at = 0
            func put(_ byte: UInt8) { out[at] = byte; at += 1 }
            for byte in "s2 vni=".utf8 { put(byte) }
            var divisor: UInt32 = 1
            while vni / divisor >= 10 { divisor *= 10 }
            while divisor > 0 { put(UInt8(ascii: "0") + UInt8(vni / divisor % 10)); divisor /= 10 }
            for byte in " dst=".utf8 { put(byte) }
            return destination.writeText(into: out, at: at)
        }
    }
    /// Stage 2 BUM from one local port: `recirc_id(R(vni)),in_port(P),eth(dst=group)`.
    public static func flood(vni: UInt32, port: UInt32) -> String { "s2 vni=\(vni) in_port=\(port) dst=group" }
    /// Stage 2 BUM from one local port, one part of a flood cut around
    /// multicast MACs that have rows of their own: `eth(dst=V/M)`.
    public static func floodPart(vni: UInt32, port: UInt32, _ part: MulticastCover.Match) -> String {
        "s2 vni=\(vni) in_port=\(port) dst=\(EthernetAddress(part.value))/\(EthernetAddress(part.mask))"
    }
    /// Stage 2 to one multicast MAC with an Mcast_Macs_Remote row, from one local port.
    public static func multicastGroup(vni: UInt32, port: UInt32, group: EthernetAddress) -> String {
        "s2 vni=\(vni) in_port=\(port) dst=\(group)"
    }
    /// Tunnel admission: `recirc_id(0),tunnel(tun_id=vni,src=S,dst=D),in_port(T),eth()`,
    /// recirculating into the switch's tunnel id when S is a locator of the
    /// VNI and D our tunnel IP, a drop otherwise.
    public static func tunnelAdmission(vni: UInt32, tunnelPort: UInt32, source: [UInt8], destination: [UInt8]) -> String {
        "tun vni=\(vni) in_port=\(tunnelPort) src=\(ipv4Text(source)) dst=\(ipv4Text(destination))"
    }
    /// Tunnel delivery to a local MAC: `recirc_id(RT(vni)),in_port(T),eth(dst=M)`.
    public static func tunnelDeliver(vni: UInt32, tunnelPort: UInt32, destination: EthernetAddress) -> String {
        "t2 vni=\(vni) in_port=\(tunnelPort) dst=\(destination)"
    }
    /// Tunnel delivery of BUM: `recirc_id(RT(vni)),in_port(T),eth(dst=group)`.
    public static func tunnelFlood(vni: UInt32, tunnelPort: UInt32) -> String { "t2 vni=\(vni) in_port=\(tunnelPort) dst=group" }
    /// Stage 1 behind a tagged binding: `recirc_id(0),in_port(P),eth(src=M),vlan(vid=V),encap(eth_type(E))`.
    public static func taggedIngress(port: UInt32, vlan: UInt16, etherType: UInt16, source: EthernetAddress) -> String {
        "s1 in_port=\(port) vlan=\(vlan) type=\(etherType) src=\(source)"
    }
    /// Stage 1 drop of untagged frames on a port without an untagged binding: `recirc_id(0),in_port(P),eth()`.
    public static func unboundUntagged(port: UInt32) -> String { "s1 in_port=\(port) untagged" }
    /// Stage 1 drop of one inner EtherType on an unbound VLAN: `recirc_id(0),in_port(P),vlan(vid=V),encap(eth_type(E))`.
    public static func unboundTagged(port: UInt32, vlan: UInt16, etherType: UInt16) -> String {
        "s1 in_port=\(port) vlan=\(vlan) type=\(etherType)"
    }
    /// Stage 2 flood of an unknown unicast destination from one port: `recirc_id(R(vni)),in_port(P),eth(dst=X)`.
    public static func unknownFlood(vni: UInt32, port: UInt32, destination: EthernetAddress) -> String {
        "s2 vni=\(vni) in_port=\(port) dst=\(destination)"
    }
    /// Tunnel ingress drop of a VNI no logical switch carries: `recirc_id(0),tunnel(tun_id=vni),in_port(T),eth()`.
    public static func unknownVNI(_ vni: UInt32, tunnelPort: UInt32) -> String { "tun vni=\(vni) in_port=\(tunnelPort) any" }

    /// Stage 2 broadcast of one EtherType from one port, with ARP
    /// suppression on: `recirc_id(R(vni)),in_port(P),eth(dst=ff:…),eth_type(T)`.
    public static func broadcast(vni: UInt32, port: UInt32, etherType: UInt16) -> String {
        "s2 vni=\(vni) in_port=\(port) dst=ff:ff:ff:ff:ff:ff type=\(etherType)"
    }
    /// Stage 2 broadcast ARP of some opcodes from one port: `…,eth_type(0x0806),arp(op=V/M)`.
    public static func arpOpcodes(vni: UInt32, port: UInt32, value: UInt64, mask: UInt64) -> String {
        "s2 vni=\(vni) in_port=\(port) dst=ff:ff:ff:ff:ff:ff arp op=\(value)/\(mask)"
    }
    /// Stage 2 broadcast ARP requests for one known target from any port,
    /// sent up to be answered: `recirc_id(R(vni)),eth(dst=ff:…),eth_type(0x0806),arp(tip=X,op=1)`.
    public static func arpAnswer(vni: UInt32, target: UInt64) -> String {
        "s2 vni=\(vni) dst=ff:ff:ff:ff:ff:ff arp op=1 tip=\(target) answer"
    }
    /// Stage 2 broadcast ARP requests for other targets, flooded: `…,arp(tip=V/M,op=1)`.
    public static func arpTargets(vni: UInt32, port: UInt32, value: UInt64, mask: UInt64) -> String {
        "s2 vni=\(vni) in_port=\(port) dst=ff:ff:ff:ff:ff:ff arp op=1 tip=\(value)/\(mask)"
    }
}
