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
    public static func forward(vni: UInt32, destination: EthernetAddress) -> String { "s2 vni=\(vni) dst=\(destination)" }
    /// Stage 2 BUM from one local port: `recirc_id(R(vni)),in_port(P),eth(dst=group)`.
    public static func flood(vni: UInt32, port: UInt32) -> String { "s2 vni=\(vni) in_port=\(port) dst=group" }
    /// Tunnel ingress to a local MAC: `recirc_id(0),tunnel(tun_id=vni),in_port(T),eth(dst=M)`.
    public static func tunnelDeliver(vni: UInt32, tunnelPort: UInt32, destination: EthernetAddress) -> String {
        "tun vni=\(vni) in_port=\(tunnelPort) dst=\(destination)"
    }
    /// Tunnel ingress BUM: `recirc_id(0),tunnel(tun_id=vni),in_port(T),eth(dst=group)`.
    public static func tunnelFlood(vni: UInt32, tunnelPort: UInt32) -> String { "tun vni=\(vni) in_port=\(tunnelPort) dst=group" }
}
