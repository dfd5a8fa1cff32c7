import OVSDatapathNL

/// The operations that turn the installed flows into the desired ones.
///
/// Flows are matched by UFID alone: a UFID stands for one match (see
/// `FlowIdentity`), so only the actions can differ between the two sides.
/// Flows in the datapath without a UFID, or with one we did not derive,
/// are left alone unless `removeForeign` is set.
public struct FlowDiff: Sendable {
    public var additions: [Flow] = []
    public var modifications: [Flow] = []
    public var deletions: [FlowUFID] = []

    public var isEmpty: Bool { additions.isEmpty && modifications.isEmpty && deletions.isEmpty }
    public var count: Int { additions.count + modifications.count + deletions.count }

    public init(desired: [FlowUFID: CompiledFlow], installed: [FlowUFID: Flow], removeForeign: Bool = true) {
        for (ufid, compiled) in desired {
            if let current = installed[ufid] {
                if current.actions != compiled.flow.actions { modifications.append(compiled.flow) }
            } else {
                additions.append(compiled.flow)
            }
        }
        if removeForeign {
            deletions = installed.keys.filter { desired[$0] == nil }
        }
        sortByUFID()
    }

    /// The operations for `ufids` alone — the flows an incremental compile
    /// says may have changed; every other flow is taken to be in place.
    public init(desired: [FlowUFID: CompiledFlow], installed: [FlowUFID: Flow], only ufids: Set<FlowUFID>) {
        for ufid in ufids {
            switch (desired[ufid], installed[ufid]) {
            case (let compiled?, nil): additions.append(compiled.flow)
            case (let compiled?, let current?) where current.actions != compiled.flow.actions: modifications.append(compiled.flow)
            case (nil, _?): deletions.append(ufid)
            default: break
            }
        }
        sortByUFID()
    }

    /// Stable order, so logs and tests read the same every time.
    private mutating func sortByUFID() {
        additions.sort { $0.ufid!.value < $1.ufid!.value }
        modifications.sort { $0.ufid!.value < $1.ufid!.value }
        deletions.sort { $0.value < $1.value }
    }

    /// As one batch: deletions first, so a flow whose match moved to a new
    /// UFID never overlaps its successor.
    public var operations: [FlowOperation] {
        deletions.map { .delete(.ufid($0)) } + modifications.map { .put($0, .modify) } + additions.map { .put($0, .create) }
    }
}
