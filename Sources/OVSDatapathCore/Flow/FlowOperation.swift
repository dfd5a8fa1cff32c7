import CNetlink

/// How a put treats an existing flow with the same match (or UFID).
public enum FlowPutMode: Sendable {
    /// Fail with EEXIST if the flow exists (`NLM_F_CREATE`).
    case create
    /// Insert, or replace the actions of the existing flow, keeping its stats.
    case createOrModify
    /// Replace the actions of an existing flow; ENOENT if there is none.
    case modify
}

/// Parts a dump or get may leave out to stay small (`OVS_UFID_F_OMIT_*`).
public struct FlowOmissions: OptionSet, Sendable {
    /// The `OVS_UFID_F_*` bits, as the `OVS_FLOW_ATTR_UFID_FLAGS` attribute carries them.
    public let rawValue: UInt32
    /// The omissions whose `OVS_UFID_F_*` bits are `rawValue`.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// Leave out the key (`OVS_UFID_F_OMIT_KEY`).
    public static let key = FlowOmissions(rawValue: UInt32(OVS_UFID_F_OMIT_KEY))
    /// Leave out the mask (`OVS_UFID_F_OMIT_MASK`).
    public static let mask = FlowOmissions(rawValue: UInt32(OVS_UFID_F_OMIT_MASK))
    /// Leave out the actions (`OVS_UFID_F_OMIT_ACTIONS`).
    public static let actions = FlowOmissions(rawValue: UInt32(OVS_UFID_F_OMIT_ACTIONS))
    /// What statistics polling needs: UFID, stats and used only.
    public static let allButStats: FlowOmissions = [.key, .mask, .actions]
}

/// Which flow an operation addresses. Flows installed with a UFID can only
/// be found by it; flows without one only by their key.
public enum FlowSelector: Sendable, Hashable {
    case ufid(FlowUFID)
    case key([FlowKeyAttribute])
}

/// One step of a flow batch.
public enum FlowOperation: Sendable {
    case put(Flow, FlowPutMode)
    case delete(FlowSelector)
    case get(FlowSelector, omit: FlowOmissions)
    /// Zero the flow's stats, used time and TCP flags.
    case clearStats(FlowSelector)
}
