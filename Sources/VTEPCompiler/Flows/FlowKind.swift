/// What a compiled flow does, read off its identity (`FlowIdentity`): the
/// breakdown the metrics and `vtep/status` count flows by. One word each,
/// fit for a Prometheus label.
public enum FlowKind: String, CaseIterable, Sendable {
    /// Stage 1: a local source admitted into its logical switch.
    case ingress
    /// Stage 1: frames of a port or VLAN without a binding, dropped.
    case ingressDrop = "ingress_drop"
    /// Stage 2: one destination MAC, remote (a tunnel) or local (a port).
    case forward
    /// Stage 2: broadcast, multicast and unknown unicast from one port.
    case flood
    /// VXLAN of a VNI we carry, admitted (or refused) by its outer addresses.
    case tunnelAdmission = "tunnel_admission"
    /// VXLAN of a VNI no logical switch here carries, dropped.
    case tunnelDrop = "tunnel_drop"
    /// From the tunnel to one local MAC.
    case tunnelDeliver = "tunnel_deliver"
    /// From the tunnel, broadcast and multicast to the local ports.
    case tunnelFlood = "tunnel_flood"
    /// An identity none of the above has (not one the compiler makes).
    case other

    /// The kind of the flow whose identity is `identity`.
    public init(identity: String) {
        let words = identity.split(separator: " ")
        guard let stage = words.first else {
            self = .other
            return
        }
        let last = words.last ?? ""
        switch stage {
        case "s1": self = last.hasPrefix("src=") ? .ingress : .ingressDrop
        case "s2": self = words.contains { $0.hasPrefix("in_port=") } ? .flood : .forward
        case "tun": self = last == "any" ? .tunnelDrop : .tunnelAdmission
        case "t2": self = last == "dst=group" ? .tunnelFlood : .tunnelDeliver
        default: self = .other
        }
    }
}
