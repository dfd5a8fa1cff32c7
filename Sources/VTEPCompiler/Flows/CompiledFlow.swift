import OVSDatapathCore

/// A flow and the identity its UFID comes from ("deliver ls0 aa:…:01").
///
/// A value, held in one shared box: the desired state keeps one per
/// remote MAC (100,000 and more), and the compiler, the desired-state
/// table and the reconciler's diff all pass them around. Inline, each copy
/// moved and retained some 170 bytes of fields; boxed, it is one pointer
/// and one retain, and the tables holding them are a tenth of the size.
/// Setting a field makes a new box, so copies never see each other's
/// changes.
public struct CompiledFlow: Hashable, Sendable {
    private final class Box: Sendable {
        let identity: String
        let flow: Flow
        let countsFrom: PortVLAN?
        let countsTo: [PortVLAN]

        init(identity: String, flow: Flow, countsFrom: PortVLAN?, countsTo: [PortVLAN]) {
            self.identity = identity
            self.flow = flow
            self.countsFrom = countsFrom
            self.countsTo = countsTo
        }
    }

    private var box: Box

    /// A compiled flow. `flow` must carry a UFID (`ufid` reads it),
    /// normally the one derived from `identity`; the compiler's own
    /// initializer derives it.
    public init(identity: String, flow: Flow, countsFrom: PortVLAN? = nil, countsTo: [PortVLAN] = []) {
        box = Box(identity: identity, flow: flow, countsFrom: countsFrom, countsTo: countsTo)
    }

    /// The canonical text of the flow's match (`s2 vni=33 dst=00:11:22:33:44:55`):
    /// what its UFID is derived from, and what names it in the log.
    public var identity: String {
        _read { yield box.identity }
        set { self = CompiledFlow(identity: newValue, flow: flow, countsFrom: countsFrom, countsTo: countsTo) }
    }
    /// The kernel flow: key, mask, actions, and the UFID derived from `identity`.
    public var flow: Flow {
        _read { yield box.flow }
        set { self = CompiledFlow(identity: identity, flow: newValue, countsFrom: countsFrom, countsTo: countsTo) }
    }
    /// The binding whose frames this flow takes in (its counters are
    /// Logical_Binding_Stats' *from_local*), and the bindings it delivers
    /// to (*to_local*).
    public var countsFrom: PortVLAN? {
        _read { yield box.countsFrom }
        set { self = CompiledFlow(identity: identity, flow: flow, countsFrom: newValue, countsTo: countsTo) }
    }
    /// The bindings the flow delivers to: its counters count for their
    /// Logical_Binding_Stats *to_local* side.
    public var countsTo: [PortVLAN] {
        _read { yield box.countsTo }
        set { self = CompiledFlow(identity: identity, flow: flow, countsFrom: countsFrom, countsTo: newValue) }
    }

    /// Equal when they hold the same box, or the same identity, flow and bindings.
    public static func == (a: CompiledFlow, b: CompiledFlow) -> Bool {
        a.box === b.box
            || (a.identity == b.identity && a.flow == b.flow && a.countsFrom == b.countsFrom && a.countsTo == b.countsTo)
    }

    /// Hashes the identity, the flow and the bindings counted.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(identity)
        hasher.combine(flow)
        hasher.combine(countsFrom)
        hasher.combine(countsTo)
    }
}

extension CompiledFlow {
    /// `flow` under the UFID derived from `identity`.
    init(_ identity: String, _ flow: Flow, from: Binding? = nil, to: [Binding] = []) {
        var flow = flow
        flow.ufid = FlowUFID(deriving: identity)
        self.init(identity: identity, flow: flow, countsFrom: from.map(PortVLAN.init), countsTo: to.map(PortVLAN.init))
    }

    /// The UFID it is installed under (always set by the compiler).
    public var ufid: FlowUFID { flow.ufid! }
}
