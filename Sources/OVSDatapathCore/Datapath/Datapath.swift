import CNetlink

/// A kernel datapath as the `ovs_datapath` family reports it.
public struct Datapath: Sendable, Equatable {
    /// Ifindex of the datapath's local internal port; every other OVS request
    /// about this datapath carries it in `ovs_header`.
    public var ifindex: Int32
    /// The datapath's name, which is also the name of its local port's netdev.
    public var name: String
    /// Lookup counters since the datapath was created.
    public var stats: DatapathStats
    /// Mask counters, on kernels that report them.
    public var megaflowStats: MegaflowStats?
    /// The user features set on the datapath (`OVS_DP_ATTR_USER_FEATURES`).
    public var userFeatures: DatapathFeatures
    /// Entries of the per-CPU mask cache, on kernels that report it; 0 turns the
    /// cache off.
    public var masksCacheSize: UInt32?

    /// A datapath from its parts; decoding fills them from a reply.
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
    /// Packets that matched an installed flow.
    public var hits: UInt64 = 0
    /// Packets that matched no flow and were sent to userspace as upcalls.
    public var misses: UInt64 = 0
    /// Packets that matched no flow and could not be sent up (no listener, a
    /// full socket buffer): lost.
    public var lost: UInt64 = 0
    /// Flows installed now.
    public var flows: UInt64 = 0
    /// Counters from their parts; all zero by default.
    public init(hits: UInt64 = 0, misses: UInt64 = 0, lost: UInt64 = 0, flows: UInt64 = 0) {
        self.hits = hits; self.misses = misses; self.lost = lost; self.flows = flows
    }
}

/// `struct ovs_dp_megaflow_stats`: how many masks the flow table holds and
/// how they were used.
public struct MegaflowStats: Sendable, Equatable {
    /// Mask look-ups made across all packets (`n_mask_hit`): divided by hits plus
    /// misses, the average number of masks a packet tried.
    public var maskHits: UInt64
    /// Masks the flow table holds: distinct mask shapes among its flows.
    public var masks: UInt32
    /// Packets whose mask the mask cache found at once (`n_cache_hit`).
    public var cacheHits: UInt64
}

/// `OVS_DP_F_*` user features. A datapath NEW or SET without them resets
/// them to none, so every write states the full set.
public struct DatapathFeatures: OptionSet, Sendable, Hashable, CustomStringConvertible {
    /// The `OVS_DP_F_*` bits, as `OVS_DP_ATTR_USER_FEATURES` carries them.
    public let rawValue: UInt32
    /// The features whose `OVS_DP_F_*` bits are `rawValue`.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `OVS_DP_F_UNALIGNED`: the last attribute of a message may be unaligned.
    public static let unaligned = DatapathFeatures(rawValue: UInt32(OVS_DP_F_UNALIGNED))
    /// `OVS_DP_F_VPORT_PIDS`: a vport may name several upcall sockets (per-vport
    /// dispatch).
    public static let vportPIDs = DatapathFeatures(rawValue: UInt32(OVS_DP_F_VPORT_PIDS))
    /// Deliberately never requested: it can make the initial recirc_id non-zero.
    public static let tcRecircSharing = DatapathFeatures(rawValue: UInt32(OVS_DP_F_TC_RECIRC_SHARING))
    /// `OVS_DP_F_DISPATCH_UPCALL_PER_CPU`: upcalls go to a socket chosen by the
    /// CPU that handled the packet, from the datapath's list.
    public static let dispatchUpcallPerCPU = DatapathFeatures(rawValue: UInt32(OVS_DP_F_DISPATCH_UPCALL_PER_CPU))

    /// The feature names joined by commas (`vport-pids,per-cpu-dispatch`), any
    /// unknown bits in hex, or `none`.
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
