extension MissDecision {
    /// Every `label`, for whoever counts by them (the metrics make one counter each).
    public static let labels = ["learn", "unknown_destination", "unbound_tagged", "unknown_vni", "rejected_tunnel", "ignore"]

    /// The decision as one word, for counting upcalls by what they meant.
    public var label: String {
        switch self {
        case .learn: "learn"
        case .unknownDestination: "unknown_destination"
        case .unboundTagged: "unbound_tagged"
        case .unknownVNI: "unknown_vni"
        case .rejectedTunnel: "rejected_tunnel"
        case .ignore: "ignore"
        }
    }
}
