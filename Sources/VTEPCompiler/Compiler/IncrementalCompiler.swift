import OVSDB
import OVSDatapathCore
import VTEPModel

/// The compiler with a memory, so a pass costs what changed rather than
/// what exists. The desired state has two parts:
///
/// - the *frame*: bindings, local MACs, flooding, drops, what misses
///   revealed — recompiled on every pass, its local MACs' flows reused
///   from the last pass where they are unchanged;
/// - one flow per Ucast_Macs_Remote row — up to millions, recompiled only
///   for the rows the caller says changed, or all of them when their
///   `RemoteMACContext` changed.
///
/// Where both parts give the same UFID (a MAC that is local here and also
/// listed as remote) the frame wins, as the full compiler always did.
/// `compile` returns the UFIDs whose desired flow may have changed; the
/// reconciler needs to look at nothing else. Compiling with every row
/// marked changed gives exactly `VTEPCompiler.compile`'s result (the unit
/// tests hold the two to that).
public struct IncrementalCompiler: Sendable {
    /// The whole desired state, frame and remote MACs merged.
    public private(set) var state = DesiredDatapathState()
    /// Whether `compile` has run: until then `changed` cannot name the
    /// flows an earlier compiler (an earlier process) installed.
    public private(set) var hasCompiled = false
    private var context: RemoteMACContext?
    private var templates = RemoteMACTemplates()
    /// The compiled rows of our logical switches, by row.
    private var remoteRows: [OVSDBUUID: RemoteMACFlow] = [:]
    /// The rows compiling to each UFID: almost always one; two rows naming
    /// the same MAC in one switch share it, and the greater UUID wins.
    private var owners: [FlowUFID: Owners] = [:]
    /// How many compiled rows sit behind each locator of each switch: the
    /// frame admits VXLAN from these without scanning every row.
    private var remoteSources: [TunnelSource: Int] = [:]
    private var problemRows: Set<OVSDBUUID> = []
    private var faultyRows: Set<OVSDBUUID> = []
    private var frame: [FlowUFID: CompiledFlow] = [:]
    private var localMACs = LocalMACMemo()

    /// A compiler that has compiled nothing yet: its first `compile` compiles
    /// every row.
    public init() {}

    /// The UFIDs of the frame's flows: every flow that counts for a
    /// binding's statistics or can age (the remote MACs' flows do neither).
    public var frameUFIDs: Dictionary<FlowUFID, CompiledFlow>.Keys { frame.keys }

    /// Brings `state` up to date with `input`. `changedRemoteRows` are the
    /// Ucast_Macs_Remote rows inserted, modified or deleted since the last
    /// call; nil recompiles every row (the first call always does).
    @discardableResult
    public mutating func compile(_ input: CompilerInput, changedRemoteRows: Set<OVSDBUUID>?) -> Set<FlowUFID> {
        var changed = Set<FlowUFID>()
        let bindingsOnly = FrameCompiler.bindings(of: input)
        let newContext = RemoteMACFlow.context(input, bindings: bindingsOnly)
        let table = input.database.ucastMacsRemote
        if let rows = changedRemoteRows, let context, let newContext, context.stillHolds(in: newContext) {
            self.context = newContext
            for id in rows { recompileRow(id, table[id], &changed) }
        } else {
            context = newContext
            templates = RemoteMACTemplates()
            owners.reserveCapacity(table.count)
            remoteRows.reserveCapacity(table.count)
            let gone = remoteRows.keys.filter { table[$0] == nil }
            for id in gone { recompileRow(id, nil, &changed) }
            for (id, row) in table.rows { recompileRow(id, row, &changed) }
        }

        var next = FrameCompiler.compileFrame(input, memo: &localMACs, remoteSources: remoteSources.keys) { [owners] ufid in
            owners[ufid] != nil
        }
        let newFrame = next.flows
        for (ufid, flow) in newFrame where frame[ufid] != flow { changed.insert(ufid) }
        for ufid in frame.keys where newFrame[ufid] == nil { changed.insert(ufid) }
        frame = newFrame

        var flows = state.flows
        state.flows = [:]  // one owner, so the merge below mutates in place
        flows.reserveCapacity(newFrame.count + owners.count)
        for ufid in changed { flows[ufid] = newFrame[ufid] ?? winner(of: ufid) }
        next.flows = flows
        if context != nil {
            next.problems += problemRows.sorted().compactMap { remoteRows[$0]?.problem }
            if !faultyRows.isEmpty { next.switchFaults.insert("unspecified_fault") }
        }
        state = next
        hasCompiled = true
        return changed
    }

    /// Makes room for the flows of those `rows` that are in `input`'s
    /// table (the most a change of them can add), so compiling a bulk
    /// insert in parts does not grow the tables again and again: each
    /// growth rehashes and moves every entry, which took a third of a
    /// 100,000-row pass.
    public mutating func reserveCapacity(forRemoteRows rows: some Sequence<OVSDBUUID>, of input: CompilerInput) -> Int {
        let table = input.database.ucastMacsRemote
        var present = 0
        for id in rows where table[id] != nil { present += 1 }
        remoteRows.reserveCapacity(remoteRows.count + present)
        owners.reserveCapacity(owners.count + present)
        state.flows.reserveCapacity(state.flows.count + present)
        return present
    }

    /// Recompiles some changed Ucast_Macs_Remote rows ahead of `compile`,
    /// so a large change can be handed to the kernel in parts while the
    /// rest is still compiling. The frame is left as it was: a UFID the
    /// frame holds keeps the frame's flow, and the `compile` that must
    /// follow (with the remaining rows) brings the frame up to date.
    /// Returns the UFIDs whose flow may have changed, or nil — and does
    /// nothing — when the rows' context no longer holds (a new tunnel IP, a
    /// switch bound or unbound…): then only a whole `compile` is right.
    public mutating func compileRemoteRows(_ rows: some Sequence<OVSDBUUID>, of input: CompilerInput) -> Set<FlowUFID>? {
        guard hasCompiled, let context,
            let newContext = RemoteMACFlow.context(input, bindings: FrameCompiler.bindings(of: input)),
            context.stillHolds(in: newContext)
        else { return nil }
        self.context = newContext
        let table = input.database.ucastMacsRemote
        var changed = Set<FlowUFID>()
        // The usual row is a new MAC of its own: its flow is known here,
        // without looking up the row that wins its UFID afterwards.
        var sole: [FlowUFID: CompiledFlow] = [:]
        for id in rows {
            guard let new = recompileRow(id, table[id], &changed) else { continue }
            // A second row naming the same MAC: the winner is looked up.
            sole[new.ufid] = new.isSole ? new.flow : nil
        }
        for ufid in changed { state.flows[ufid] = frame[ufid] ?? sole[ufid] ?? winner(of: ufid) }
        return changed
    }

    /// Makes row `id` compile to `row`'s flow. Returns the new flow, if it
    /// changed, and whether the row is the only one behind its UFID.
    @discardableResult
    private mutating func recompileRow(
        _ id: OVSDBUUID, _ row: VTEPUcastMac<VTEPRemote>?,
        _ changed: inout Set<FlowUFID>
    ) -> (ufid: FlowUFID, flow: CompiledFlow, isSole: Bool)? {
        var new: RemoteMACFlow?
        if let context, let row { new = RemoteMACFlow.compile(row, in: context, templates: &templates) }
        // One look-up for the old value and the new.
        let old: RemoteMACFlow?
        if let new { old = remoteRows.updateValue(new, forKey: id) } else { old = remoteRows.removeValue(forKey: id) }
        guard old != new else { return nil }
        if old?.source != new?.source {
            if let source = old?.source {
                remoteSources[source, default: 1] -= 1
                if remoteSources[source] == 0 { remoteSources[source] = nil }
            }
            if let source = new?.source { remoteSources[source, default: 0] += 1 }
        }
        if let ufid = old?.ufid {
            owners[ufid]?.remove(id)
            if owners[ufid]?.isEmpty == true { owners[ufid] = nil }
            changed.insert(ufid)
        }
        var added: (ufid: FlowUFID, flow: CompiledFlow, isSole: Bool)?
        if let flow = new?.flow {
            let ufid = flow.ufid
            let isSole = owners[ufid, default: Owners()].insertReportingSole(id)
            changed.insert(ufid)
            added = (ufid, flow, isSole)
        }
        // Most tables have no bad rows: keep the common case to one look-up.
        if new?.problem != nil { problemRows.insert(id) } else if !problemRows.isEmpty { problemRows.remove(id) }
        if new?.isFault == true { faultyRows.insert(id) } else if !faultyRows.isEmpty { faultyRows.remove(id) }
        return added
    }

    private func winner(of ufid: FlowUFID) -> CompiledFlow? {
        owners[ufid].flatMap { remoteRows[$0.winner]?.flow }
    }
}

/// The rows behind one remote-MAC UFID, without an allocation for the
/// usual single row.
private struct Owners: Sendable {
    private var rows: [OVSDBUUID] = []
    private var single: OVSDBUUID?

    var isEmpty: Bool { single == nil && rows.isEmpty }
    var winner: OVSDBUUID { rows.max().map { max($0, single ?? $0) } ?? single! }

    mutating func insert(_ id: OVSDBUUID) {
        if single == nil || single == id { single = id } else if !rows.contains(id) { rows.append(id) }
    }

    /// Inserts `id`; true when it is then the only row.
    mutating func insertReportingSole(_ id: OVSDBUUID) -> Bool {
        insert(id)
        return rows.isEmpty
    }

    mutating func remove(_ id: OVSDBUUID) {
        if single == id { single = rows.popLast() } else { rows.removeAll { $0 == id } }
    }
}
