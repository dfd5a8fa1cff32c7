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
    /// Stage 2: ARP requests for one known address from one port, sent up to be answered.
    case arpAnswer = "arp_answer"
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

    /// The kind of the flow whose identity is `identity`. Read byte by
    /// byte, without splitting: a scrape classifies 111,000 of them.
    public init(identity: String) { self = Self.classify(Array(identity.utf8)) }

    private static func classify(_ text: [UInt8]) -> FlowKind {
        func starts(_ prefix: String) -> Bool { text.starts(with: prefix.utf8) }
        func ends(_ suffix: String) -> Bool { text.reversed().starts(with: suffix.utf8.reversed()) }
        func lastWordStarts(_ prefix: String) -> Bool {
            let start = text.lastIndex(of: UInt8(ascii: " ")).map { $0 + 1 } ?? 0
            return text[start...].starts(with: prefix.utf8)
        }
        if starts("s1 ") { return lastWordStarts("src=") ? .ingress : .ingressDrop }
        if starts("s2 ") { return ends(" answer") ? .arpAnswer : contains(text, " in_port=") ? .flood : .forward }
        if starts("tun ") { return ends(" any") ? .tunnelDrop : .tunnelAdmission }
        if starts("t2 ") { return ends(" dst=group") ? .tunnelFlood : .tunnelDeliver }
        return .other
    }

    private static func contains(_ text: [UInt8], _ word: String) -> Bool {
        let pattern = Array(word.utf8)
        guard text.count >= pattern.count else { return false }
        return (0...(text.count - pattern.count)).contains { text[$0..<$0 + pattern.count].elementsEqual(pattern) }
    }
}
