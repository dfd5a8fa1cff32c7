import CNetlink

/// A kernel datapath as the `ovs_datapath` family reports it.
public struct Datapath: Sendable, Equatable {
    /// Ifindex of the datapath's local internal port; every other OVS request
    /// about this datapath carries it in `ovs_header`.
    public var ifindex: Int32
    public var name: String
    public var stats: DatapathStats
    public var megaflowStats: MegaflowStats?
    public var userFeatures: DatapathFeatures
    public var masksCacheSize: UInt32?

    public init(
        ifindex: Int32, name: String, stats: DatapathStats = .init(), megaflowStats: MegaflowStats? = nil,
        userFeatures: DatapathFeatures = [], masksCacheSize: UInt32? = nil
    ) {
        self.ifindex = ifindex
        self.name = name
        self.stats = stats
        self.megaflowStats = megaflowStats
        self.userFeatures = userFeatures
        self.masksCacheSize = masksCacheSize
    }

    /// The kernel allows IFNAMSIZ-1 characters (the name is the local port's netdev).
    public static let maxNameLength = 15

    package static func decode(_ message: NetlinkMessage) throws(NetlinkDecodingError) -> Datapath {
        let table = try message.genericAttributes(extraHeaderLength: NetlinkLayout.ovsHeaderLength).table()
        var datapath = Datapath(
            ifindex: message.ovsDatapathIfindex ?? 0,
            name: try table.required(attr(OVS_DP_ATTR_NAME), in: "datapath").string())
        if let stats = table[attr(OVS_DP_ATTR_STATS)] {
            let raw = try stats.fixed(ovs_dp_stats.self)
            datapath.stats = DatapathStats(hits: raw.n_hit, misses: raw.n_missed, lost: raw.n_lost, flows: raw.n_flows)
        }
        if let megaflow = table[attr(OVS_DP_ATTR_MEGAFLOW_STATS)] {
            let raw = try megaflow.fixed(ovs_dp_megaflow_stats.self)
            datapath.megaflowStats = MegaflowStats(maskHits: raw.n_mask_hit, masks: raw.n_masks, cacheHits: raw.n_cache_hit)
        }
        if let features = table[attr(OVS_DP_ATTR_USER_FEATURES)] {
            datapath.userFeatures = DatapathFeatures(rawValue: try features.u32())
        }
        if let cache = table[attr(OVS_DP_ATTR_MASKS_CACHE_SIZE)] {
            datapath.masksCacheSize = try cache.u32()
        }
        return datapath
    }
}

/// `struct ovs_dp_stats`: lookups that hit a flow, missed (upcalled), or were
/// lost (upcall failed), and the installed flow count.
public struct DatapathStats: Sendable, Equatable {
    public var hits: UInt64 = 0
    public var misses: UInt64 = 0
    public var lost: UInt64 = 0
    public var flows: UInt64 = 0
    public init(hits: UInt64 = 0, misses: UInt64 = 0, lost: UInt64 = 0, flows: UInt64 = 0) {
        self.hits = hits; self.misses = misses; self.lost = lost; self.flows = flows
    }
}

/// `struct ovs_dp_megaflow_stats`: how many masks the flow table holds and
/// how they were used.
public struct MegaflowStats: Sendable, Equatable {
    public var maskHits: UInt64
    public var masks: UInt32
    public var cacheHits: UInt64
}

/// `OVS_DP_F_*` user features. A datapath NEW or SET without them resets
/// them to none, so every write states the full set.
public struct DatapathFeatures: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let unaligned = DatapathFeatures(rawValue: UInt32(OVS_DP_F_UNALIGNED))
    public static let vportPIDs = DatapathFeatures(rawValue: UInt32(OVS_DP_F_VPORT_PIDS))
    /// Deliberately never requested: it can make the initial recirc_id non-zero.
    public static let tcRecircSharing = DatapathFeatures(rawValue: UInt32(OVS_DP_F_TC_RECIRC_SHARING))
    public static let dispatchUpcallPerCPU = DatapathFeatures(rawValue: UInt32(OVS_DP_F_DISPATCH_UPCALL_PER_CPU))

    public var description: String {
        var names: [String] = []
        if contains(.unaligned) { names.append("unaligned") }
        if contains(.vportPIDs) { names.append("vport-pids") }
        if contains(.tcRecircSharing) { names.append("tc-recirc-sharing") }
        if contains(.dispatchUpcallPerCPU) { names.append("per-cpu-dispatch") }
        let unknown =
            rawValue
            & ~(DatapathFeatures.unaligned.rawValue | DatapathFeatures.vportPIDs.rawValue
            | DatapathFeatures.tcRecircSharing.rawValue | DatapathFeatures.dispatchUpcallPerCPU.rawValue)
        if unknown != 0 { names.append("0x" + String(unknown, radix: 16)) }
        return names.isEmpty ? "none" : names.joined(separator: ",")
    }
}

/// Where a datapath sends upcalls.
public enum UpcallDestination: Sendable, Equatable {
    /// Upcalls disabled (UPCALL_PID 0): misses are counted as lost.
    case none
    /// Per-CPU dispatch: the socket at index `cpu % count` gets a CPU's upcalls.
    case perCPU([UInt32])
    /// Per-vport dispatch (older kernels): one socket for the local port; each
    /// vport names its own.
    case perVport(UInt32)
}
