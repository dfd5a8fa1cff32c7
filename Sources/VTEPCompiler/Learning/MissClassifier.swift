import OVSDatapathCore

/// What a flow-table miss means for the pipeline, decided from the
/// upcall's key and the bindings of the last sync pass. Pure.
public enum MissDecision: Hashable, Sendable, CustomStringConvertible {
    /// A new (or moved) source behind a binding; `etherType` is the inner
    /// EtherType of a tagged frame, for its stage-1 flow.
    case learn(LocalMAC, vni: UInt32, etherType: UInt16?)
    /// A unicast destination nobody claims: flood it.
    case unknownDestination(UnknownDestination)
    /// A tagged frame on a port and VLAN without a binding: drop.
    case unboundTagged(UnboundTagged)
    /// VXLAN with a VNI no logical switch here carries: drop.
    case unknownVNI(UInt32)
    /// VXLAN of a VNI we carry from an address that is no locator of it,
    /// or to an address not ours: drop, never learn.
    case rejectedTunnel(RejectedTunnel)
    /// Nothing to install (the reason is for the debug log).
    case ignore(String)

    /// The decision for the log (`learn aa:…:01 on p0 (VNI 33)`).
    public var description: String {
        switch self {
        case .learn(let local, let vni, let type):
            "learn \(local.mac) on \(local.port)\(local.vlan == 0 ? "" : " vlan \(local.vlan)") (VNI \(vni))"
                + (type.map { " type 0x\(String($0, radix: 16))" } ?? "")
        case .unknownDestination(let unknown): "flood unknown \(unknown)"
        case .unboundTagged(let unbound): "drop unbound \(unbound)"
        case .unknownVNI(let vni): "drop VNI \(vni): no logical switch here"
        case .rejectedTunnel(let rejected):
            "drop VXLAN \(rejected): the database names no such locator of VNI \(rejected.vni) (or the destination is not our tunnel IP)"
        case .ignore(let reason): "ignore: \(reason)"
        }
    }
}

/// The layout a miss is read against: the bindings, port numbers and
/// admitted tunnel sources of the last sync pass.
public struct MissContext: Sendable {
    /// The bindings that compiled in the last pass.
    public var bindings: [Binding]
    /// The datapath port number of the VXLAN vport.
    public var tunnelPort: UInt32
    /// The names of our physical ports, by datapath port number.
    public var portNames: [UInt32: String]
    /// Our tunnel IP (4 bytes), when the switch has a usable one.
    public var tunnelIP: [UInt8]?
    /// The locators each VNI admits VXLAN from (4 bytes each).
    public var tunnelSources: [UInt32: Set<[UInt8]>]
    /// The remote locators whose BFD (VXLAN key 0) goes to userspace by a flow of its own.
    public var bfdRemotes: Set<[UInt8]>
    /// The VNIs of the switches with ARP suppression on: broadcast floods there per EtherType.
    public var suppressingVNIs: Set<UInt32>

    /// The layout of the last sync pass.
    public init(
        bindings: [Binding], tunnelPort: UInt32, portNames: [UInt32: String], tunnelIP: [UInt8]? = nil,
        tunnelSources: [UInt32: Set<[UInt8]>] = [:], bfdRemotes: Set<[UInt8]> = [], suppressingVNIs: Set<UInt32> = []
    ) {
        self.bindings = bindings
        self.tunnelPort = tunnelPort
        self.portNames = portNames
        self.tunnelIP = tunnelIP
        self.tunnelSources = tunnelSources
        self.bfdRemotes = bfdRemotes
        self.suppressingVNIs = suppressingVNIs
    }

    /// Whether VXLAN of `vni` from `source` to `destination` is admitted.
    func admits(vni: UInt32, source: [UInt8], destination: [UInt8]) -> Bool {
        destination == tunnelIP && tunnelSources[vni]?.contains(source) == true
    }
}

/// Decides what a flow-table miss means: pure, so every rule of learning,
/// flooding and dropping can be tested without a kernel.
public enum MissClassifier {
    /// What `upcall` means for the pipeline, read from its key against the
    /// bindings of the last pass.
    /// - Parameters:
    ///   - upcall: the miss, as the kernel sent it.
    ///   - context: the bindings and port numbers it is read against.
    /// - Returns: learn, flood an unknown destination, drop, or ignore, with why.
    public static func classify(_ upcall: Upcall, in context: MissContext) -> MissDecision {
        classify(FlowKeyFields(key: upcall.key), in: context)
    }

    static func classify(_ fields: FlowKeyFields, in context: MissContext) -> MissDecision {
        guard let inPort = fields.inPort else { return .ignore("no in_port in the key") }
        guard let source = fields.source, let destination = fields.destination else { return .ignore("not an Ethernet frame") }

        if fields.recirculationID != 0 {
            let id = RecirculationID(rawValue: fields.recirculationID)
            if let vni = id.tunnelVNI {
                // Tunnel delivery missed: an admitted frame to a destination nobody here claims.
                guard inPort == context.tunnelPort else { return .ignore("tunnel id \(id) on in_port \(inPort), not the tunnel's") }
                guard fields.vlan == nil else { return .ignore("tagged frame inside VNI \(vni)") }
                guard !destination.isMulticast else { return .ignore("group destination \(destination) from VNI \(vni) has a flood flow") }
                return .unknownDestination(UnknownDestination(vni: vni, port: nil, mac: destination))
            }
            // Stage 2 missed: a destination without a flow in this switch.
            guard let vni = id.vni else { return .ignore("recirculation id \(id) is not one of ours") }
            if destination == ARPSuppression.broadcast, context.suppressingVNIs.contains(vni), let port = context.portNames[inPort] {
                // Broadcast floods per EtherType there: this one gets its flow now.
                guard fields.vlan == nil, let type = fields.etherType, FlowBuilder.innerHeader(of: type) != nil,
                    ARPSuppression.floodsOnMiss(type)
                else {
                    return .ignore("broadcast in VNI \(vni) that no flow of its own can match, or one made up front matches")
                }
                return .unknownDestination(UnknownDestination(vni: vni, port: port, mac: destination, etherType: type))
            }
            guard !destination.isMulticast else { return .ignore("group destination \(destination) in VNI \(vni) has a flood flow") }
            guard let port = context.portNames[inPort] else { return .ignore("in_port \(inPort) is not a port of ours") }
            return .unknownDestination(UnknownDestination(vni: vni, port: port, mac: destination))
        }

        if inPort == context.tunnelPort {
            // Tunnel admission missed: a VNI nobody carries, or a sender the database does not name.
            guard let id = fields.tunnelID, id <= UInt64(RecirculationID.maxVNI) else { return .ignore("VXLAN without a usable VNI") }
            let vni = UInt32(id)
            let source = fields.tunnelSource ?? [0, 0, 0, 0], destination = fields.tunnelDestination ?? [0, 0, 0, 0]
            if vni == BFDTunnel.tunnelKey {
                // BFD's key: an exact drop per sender, never a wide one that would overlap the BFD flows.
                guard destination != context.tunnelIP || !context.bfdRemotes.contains(source) else {
                    return .ignore("BFD from \(ipv4Text(source)); its flow is on its way")
                }
                return .rejectedTunnel(RejectedTunnel(vni: vni, source: source, destination: destination))
            }
            guard context.bindings.contains(where: { $0.vni == vni }) else { return .unknownVNI(vni) }
            guard !context.admits(vni: vni, source: source, destination: destination) else {
                return .ignore("VXLAN VNI \(vni) from \(ipv4Text(source)) is admitted; its flow is on its way")
            }
            return .rejectedTunnel(RejectedTunnel(vni: vni, source: source, destination: destination))
        }

        guard let port = context.portNames[inPort] else { return .ignore("in_port \(inPort) is not a port of ours") }
        let vlan = fields.vlan ?? 0
        guard let binding = context.bindings.first(where: { $0.port == port && $0.vlan == vlan }) else {
            guard vlan != 0, let type = fields.etherType else { return .ignore("untagged frame on unbound port \(port)") }
            return .unboundTagged(UnboundTagged(port: port, vlan: vlan, etherType: type))
        }
        guard !source.isMulticast, source.bytes.contains(where: { $0 != 0 }) else { return .ignore("invalid source \(source) on \(port)") }
        if vlan != 0 {
            guard let type = fields.etherType, FlowBuilder.innerHeader(of: type) != nil else {
                return .ignore("tagged frame on \(port) vlan \(vlan) with an inner EtherType the pipeline does not match")
            }
            return .learn(LocalMAC(mac: source, port: port, vlan: vlan), vni: binding.vni, etherType: type)
        }
        return .learn(LocalMAC(mac: source, port: port, vlan: 0), vni: binding.vni, etherType: nil)
    }
}

extension MissClassifier {
    /// The IPv4 address a missed frame says its source has: the sender of
    /// an ARP request, reply or gratuitous ARP whose sender hardware
    /// address is the frame's own source. Not an ARP probe's 0.0.0.0, nor
    /// a multicast or broadcast address. What `Ucast_Macs_Local.ipaddr`
    /// reports for a learned MAC.
    public static func announcedIPv4(_ upcall: Upcall) -> [UInt8]? {
        announcedIPv4(FlowKeyFields(key: upcall.key))
    }

    static func announcedIPv4(_ fields: FlowKeyFields) -> [UInt8]? {
        guard let sender = fields.arpSender, sender.hardware == fields.source,
            sender.ip != [0, 0, 0, 0], sender.ip[0] < 224
        else { return nil }
        return sender.ip
    }
}
