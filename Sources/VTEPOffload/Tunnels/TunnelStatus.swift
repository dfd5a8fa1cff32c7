import BFD

/// One remote locator's BFD as the Tunnel row's `bfd_status` reports it.
public struct TunnelStatus: Equatable, Sendable {
    /// The session's state.
    public var state: BFDState
    /// Whether BUM and unicast may use the path (`BFDSession.forwarding`).
    public var forwarding: Bool
    /// Why the session last went down.
    public var diagnostic: BFDDiagnostic
    /// The remote's state, from its last packet.
    public var remoteState: BFDState
    /// The remote's diagnostic, from its last packet.
    public var remoteDiagnostic: BFDDiagnostic
    /// Times the session left Up.
    public var flaps: Int
    /// Settings in `bfd_params` that were not understood, if any.
    public var problems: [String] = []
    /// A new session not yet given time to come up: not forwarding, but
    /// not to be called down either (see `BFDPeer.settlingTime`).
    public var settling = false

    /// Whether BUM should avoid the locator: down, and past settling.
    public var isDown: Bool { !forwarding && !settling }

    /// The status of `session`, with the problems of its settings;
    /// `forwarding` overrides the session's own (`forwarding_if_rx`).
    init(_ session: BFDSession, problems: [String], settling: Bool = false, forwarding: Bool? = nil) {
        self.settling = settling
        state = session.state
        self.forwarding = forwarding ?? session.forwarding
        diagnostic = session.diagnostic
        remoteState = session.remoteState
        remoteDiagnostic = session.remoteDiagnostic
        flaps = session.flaps
        self.problems = problems
    }

    /// The `bfd_status` column, keys as vtep.xml names them (values as OVS
    /// writes them for an Interface). `flap_count` changes only with the
    /// state, so the row is written on a change of state, not per packet.
    public var columns: [String: String] {
        var columns = [
            "enabled": "true", "state": state.description, "forwarding": String(forwarding),
            "diagnostic": diagnostic.description, "remote_state": remoteState.description,
            "remote_diagnostic": remoteDiagnostic.description, "flap_count": String(flaps),
        ]
        if !problems.isEmpty { columns["info"] = "bfd_params not understood: " + problems.joined(separator: "; ") }
        return columns
    }
}
