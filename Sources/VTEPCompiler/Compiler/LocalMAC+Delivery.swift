import OVSDatapathCore

extension LocalMAC {
    /// The UFIDs of the flows that deliver frames to this MAC behind
    /// `binding`: from the switch's other bindings (stage 2) and from its
    /// remote VTEPs (tunnel delivery).
    public func deliveryUFIDs(behind binding: Binding, tunnelPort: UInt32) -> [FlowUFID] {
        [
            FlowUFID(deriving: FlowIdentity.forward(vni: binding.vni, destination: mac)),
            FlowUFID(deriving: FlowIdentity.tunnelDeliver(vni: binding.vni, tunnelPort: tunnelPort, destination: mac)),
        ]
    }

    /// Those of `locals` that may be listed in Ucast_Macs_Local: every one
    /// whose delivery flows the kernel took. A controller that reads the
    /// list sends the MAC's traffic here at once, so a MAC whose flow failed
    /// (`failed`, the reconciler's) waits for the pass that installs it;
    /// until then its frames are flooded, not lost.
    public static func deliverable(
        _ locals: [LocalMAC], bindings: [Binding], tunnelPort: UInt32, failed: Set<FlowUFID>
    ) -> [LocalMAC] {
        guard !failed.isEmpty else { return locals }
        return locals.filter { local in
            !bindings.contains { binding in
                binding.port == local.port && binding.vlan == local.vlan
                    && local.deliveryUFIDs(behind: binding, tunnelPort: tunnelPort).contains(where: failed.contains)
            }
        }
    }
}
