import OVSDatapathCore

/// What one logical switch floods from its local ports.
struct PortFloods {
    var vni: UInt32
    /// `recirc_id` of the switch's stage 2.
    var recirculation: UInt32
    /// Per local port: the flood's actions (the other bindings, then the tunnels).
    var floodFrom: [UInt32: [FlowAction]]
    /// Per local port: the bindings its flood reaches.
    var floodsTo: [UInt32: [Binding]]
    /// Multicast MACs with rows of their own, with their tunnels' actions.
    var groups: [EthernetAddress: [FlowAction]]
    /// With ARP suppression on: the known targets and the bindings by port.
    var suppression: Suppression?

    struct Suppression {
        var targets: [[UInt8]: EthernetAddress]
        var bindingOf: [UInt32: Binding]
        /// Broadcast EtherTypes misses revealed, with the datapath port each came from.
        var revealed: [(fact: UnknownDestination, port: UInt32)] = []
        /// The known targets as 32-bit numbers.
        var known: Set<UInt64> { Set(targets.keys.map { $0.reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }) }
    }
}
