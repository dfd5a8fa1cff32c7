/// Renders a datapath and its ports the way `ovs-dpctl show` does, so an
/// operator can read our output and OVS's side by side.
public enum DatapathShowFormat {
    /// The datapath's lines of `ovs-dpctl show`: lookups, flows, masks, the mask
    /// cache, then its ports by number.
    /// - Parameters:
    ///   - datapath: the datapath, with its statistics.
    ///   - ports: its vports, in any order.
    ///   - statistics: also print each port's RX/TX counters, as `ovs-dpctl show -s`.
    /// - Returns: the lines, joined by newlines, without a final one.
    public static func render(_ datapath: Datapath, ports: [Vport], statistics: Bool = false) -> String {
        var lines = ["system@\(datapath.name):"]
        let stats = datapath.stats
        lines.append("  lookups: hit:\(stats.hits) missed:\(stats.misses) lost:\(stats.lost)")
        lines.append("  flows: \(stats.flows)")
        if let megaflow = datapath.megaflowStats {
            let packets = stats.hits + stats.misses
            let perPacket = packets == 0 ? 0 : Double(megaflow.maskHits) / Double(packets)
            lines.append("  masks: hit:\(megaflow.maskHits) total:\(megaflow.masks) hit/pkt:\(formatTwoDecimals(perPacket))")
        }
        if let cache = datapath.masksCacheSize {
            lines.append("  caches:")
            lines.append("    masks-cache: size:\(cache)")
        }
        for port in ports.sorted(by: { $0.portNumber < $1.portNumber }) {
            lines.append("  port \(port.portNumber): \(port.name)\(typeSuffix(port))")
            if statistics, let s = port.stats {
                lines.append("    RX packets:\(s.rxPackets) errors:\(s.rxErrors) dropped:\(s.rxDropped)")
                lines.append("    TX packets:\(s.txPackets) errors:\(s.txErrors) dropped:\(s.txDropped)")
                lines.append("    RX bytes:\(s.rxBytes) TX bytes:\(s.txBytes)")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// " (internal)", " (vxlan: dst_port=4790, packet_type=ptap)", or
    /// nothing for a plain netdev. Like ovs-dpctl, a netdev named
    /// `vxlan_sys_<port>` is shown as the VXLAN port it is, and the default
    /// port 4789 is left unsaid.
    package static func typeSuffix(_ port: Vport) -> String {
        var tunnelPort = port.tunnelDestinationPort
        var type = port.type.description
        if port.type == .netdev {
            guard port.name.hasPrefix("vxlan_sys_"), let dst = UInt16(port.name.dropFirst("vxlan_sys_".count)) else { return "" }
            type = "vxlan"
            tunnelPort = dst
        }
        guard [.vxlan, .geneve, .gre].contains(port.type) || type == "vxlan" else { return " (\(type))" }
        var options: [String] = []
        if let tunnelPort, tunnelPort != VXLANNaming.defaultPort { options.append("dst_port=\(tunnelPort)") }
        options.append("packet_type=ptap")
        return " (\(type): \(options.joined(separator: ", ")))"
    }

    package static func formatTwoDecimals(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
