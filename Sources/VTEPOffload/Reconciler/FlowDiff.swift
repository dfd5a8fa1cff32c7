import OVSDatapathCore
import OVSDatapathNL
import VTEPCompiler

/// The operations that turn the installed flows into the desired ones.
///
/// Flows are matched by UFID alone: a UFID stands for one match (see
/// `FlowIdentity`), so only the actions can differ between the two sides.
/// Flows in the datapath without a UFID, or with one we did not derive,
/// are left alone unless `removeForeign` is set.
public struct FlowDiff: Sendable {
    /// Flows to create: desired, not installed.
    public var additions: [Flow] = []
    /// Flows to modify: installed under the same UFID with other actions; they
    /// carry the desired actions.
    public var modifications: [Flow] = []
    /// UFIDs of installed flows to delete.
    public var deletions: [FlowUFID] = []

    /// Whether the kernel already holds exactly what is desired.
    public var isEmpty: Bool { additions.isEmpty && modifications.isEmpty && deletions.isEmpty }
    /// The number of operations.
    public var count: Int { additions.count + modifications.count + deletions.count }

    /// The operations that make `installed` equal `desired`, every flow compared.
    /// - Parameters:
    ///   - desired: what the compiler wants, by UFID.
    ///   - installed: what the kernel holds, by UFID (actions are all that is
    ///     compared).
    ///   - removeForeign: delete installed flows that nothing desired has the
    ///     UFID of (left by an earlier run, or by hand); on by default, as the
    ///     datapath is vtep-kdp's alone.
    public init(desired: [FlowUFID: CompiledFlow], installed: [FlowUFID: Flow], removeForeign: Bool = true) {
        var added: [FlowUFID] = [], modified: [FlowUFID] = []
        for (ufid, compiled) in desired {
            if let current = installed[ufid] {
                if current.actions != compiled.flow.actions { modified.append(ufid) }
            } else {
                added.append(ufid)
            }
        }
        self.init(
            desired: desired, added: added, modified: modified,
            deleted: removeForeign ? installed.keys.filter { desired[$0] == nil } : [])
    }

    /// The operations for `ufids` alone — the flows an incremental compile
    /// says may have changed; every other flow is taken to be in place.
    public init(desired: [FlowUFID: CompiledFlow], installed: [FlowUFID: Flow], only ufids: Set<FlowUFID>) {
        var added: [FlowUFID] = [], modified: [FlowUFID] = [], deleted: [FlowUFID] = []
        for ufid in ufids {
            switch (desired[ufid], installed[ufid]) {
            case (_?, nil): added.append(ufid)
            case (let compiled?, let current?) where current.actions != compiled.flow.actions: modified.append(ufid)
            case (nil, _?): deleted.append(ufid)
            default: break
            }
        }
        self.init(desired: desired, added: added, modified: modified, deleted: deleted)
    }

    /// Stable order, so logs and tests read the same every time. The UFIDs
    /// are sorted before their flows are gathered: sorting 100,000 flows
    /// would move 100,000 flows, over and over.
    private init(desired: [FlowUFID: CompiledFlow], added: [FlowUFID], modified: [FlowUFID], deleted: [FlowUFID]) {
        func inOrder(_ ufids: [FlowUFID]) -> [FlowUFID] { ufids.sorted { $0.value < $1.value } }
        additions = inOrder(added).map { desired[$0]!.flow }
        modifications = inOrder(modified).map { desired[$0]!.flow }
        deletions = inOrder(deleted)
    }

    /// As one batch: deletions first, so a flow whose match moved to a new
    /// UFID never overlaps its successor.
    public var operations: [FlowOperation] {
        var operations: [FlowOperation] = []
        operations.reserveCapacity(count)
        for ufid in deletions { operations.append(.delete(.ufid(ufid))) }
        for flow in modifications { operations.append(.put(flow, .modify)) }
        for flow in additions { operations.append(.put(flow, .create)) }
        return operations
    }
}
