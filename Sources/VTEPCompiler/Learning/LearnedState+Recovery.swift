import OVSDatapathCore

extension LearnedState {
    /// Rebuilds what an earlier vtep-kdp learned from the flows it left in
    /// the kernel, so a restart neither relearns (no upcall storm, no
    /// flood) nor deletes flows that are still right. Flows of other
    /// shapes are skipped; the next sync pass deletes what is not desired.
    public mutating func recover(from flows: [Flow], tunnelPort: UInt32, portNames: [UInt32: String]) {
        for flow in flows {
            let fields = FlowKeyFields(key: flow.key, mask: flow.mask)
            guard let inPort = fields.inPort else {
                continue  // stage 2 known-destination flows: compiled from the database
            }
            if let vni = RecirculationID(rawValue: fields.recirculationID).tunnelVNI {
                // recirc_id(RT),in_port(T),eth(dst=X): a tunnel delivery or an unknown
                // destination's flood share one match; kept as unknown, it yields to a
                // local MAC in the compiler.
                guard inPort == tunnelPort, fields.destinationMatched, let mac = fields.destination, !mac.isMulticast else { continue }
                apply(.unknownDestination(UnknownDestination(vni: vni, port: nil, mac: mac)))
            } else if fields.recirculationID != 0 {
                // recirc_id(R),in_port(P),eth(dst=X): an unknown destination's flood.
                guard let vni = RecirculationID(rawValue: fields.recirculationID).vni, let port = portNames[inPort],
                    fields.destinationMatched, let mac = fields.destination
                else { continue }
                if mac == ARPSuppression.broadcast, let type = fields.etherType, ARPSuppression.floodsOnMiss(type) {
                    // …,eth(dst=ff:…),eth_type(T): a broadcast EtherType a miss revealed (ARP suppression).
                    apply(.unknownDestination(UnknownDestination(vni: vni, port: port, mac: mac, etherType: type)))
                }
                guard !mac.isMulticast else { continue }
                apply(.unknownDestination(UnknownDestination(vni: vni, port: port, mac: mac)))
            } else if inPort == tunnelPort {
                // Drops only: admissions are compiled from the database.
                guard flow.actions.isEmpty, let id = fields.tunnelID, id <= UInt64(RecirculationID.maxVNI) else { continue }
                if fields.tunnelSourceMatched, let source = fields.tunnelSource, let destination = fields.tunnelDestination {
                    apply(.rejectedTunnel(RejectedTunnel(vni: UInt32(id), source: source, destination: destination)))
                } else if !fields.tunnelSourceMatched {
                    apply(.unknownVNI(UInt32(id)))
                }
            } else if let port = portNames[inPort] {
                if fields.sourceMatched, let mac = fields.source, let vni = Self.recirculatedVNI(flow.actions) {
                    let local = LocalMAC(mac: mac, port: port, vlan: fields.vlan ?? 0)
                    apply(.learn(local, vni: vni, etherType: fields.vlan == nil ? nil : fields.etherType))
                } else if !fields.sourceMatched, let vlan = fields.vlan, let type = fields.etherType, flow.actions.isEmpty {
                    apply(.unboundTagged(UnboundTagged(port: port, vlan: vlan, etherType: type)))
                }
            }
        }
    }

    /// A tunnel delivery to a MAC recovered as local is not an unknown destination.
    package mutating func forgetClaimedUnknowns() {
        keepOnly(
            MissFacts(
                unknownDestinations: facts.unknownDestinations.filter { localMAC($0.mac, vni: $0.vni) == nil },
                unboundTagged: facts.unboundTagged, unknownVNIs: facts.unknownVNIs, rejectedTunnels: facts.rejectedTunnels))
    }

    /// The VNI a stage-1 flow recirculates into.
    static func recirculatedVNI(_ actions: [FlowAction]) -> UInt32? {
        for action in actions {
            if case .recirculate(let id) = action { return RecirculationID(rawValue: id).vni }
        }
        return nil
    }
}
