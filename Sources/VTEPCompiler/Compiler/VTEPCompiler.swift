import OVSDB
import OVSDatapathCore
import VTEPModel

/// VTEP state → desired datapath state: a pure function, the heart of
/// vtep-kdp. It follows the two-stage pipeline of docs/design.md:
///
/// - stage 1 (recirc_id 0, from a local port): one flow per known local
///   source MAC, recirculating into its logical switch's id;
/// - stage 2 (recirc_id = the switch's id): one flow per destination MAC —
///   remote MACs out of the tunnel, local MACs out of their port — and per
///   binding one flow for broadcast/multicast (BUM) to the other local
///   bindings and the switch's `unknown-dst` locators (one in service_node
///   mode, all in source_node mode);
/// - tunnel ingress (recirc_id 0, from the VXLAN port, by VNI): local MACs
///   and BUM to every local binding, never back to a tunnel (split horizon).
///
/// Flows are disjoint by construction (the kernel has no priorities), the
/// count grows with MACs plus bindings, and every flow's UFID comes from
/// its identity. What cannot be honoured becomes a fault and a problem line;
/// everything else still compiles.
///
/// The remote MACs' flows (one per Ucast_Macs_Remote row, see
/// `RemoteMACFlow.swift`) are compiled apart from the rest, the *frame*,
/// so that `IncrementalCompiler` can recompile only the rows that changed.
public enum VTEPCompiler {
    /// The whole desired state, from nothing.
    public static func compile(_ input: CompilerInput) -> DesiredDatapathState {
        var compiler = IncrementalCompiler()
        compiler.compile(input, changedRemoteRows: nil)
        return compiler.state
    }
}
