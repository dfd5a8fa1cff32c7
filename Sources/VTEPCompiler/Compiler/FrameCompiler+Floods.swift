import OVSDB
import OVSDatapathCore
import VTEPModel

extension FrameCompiler {
    /// Stage-2 BUM from each local port. Multicast MACs with rows of their
    /// own go to their rows' locators, the rest of the group space to the
    /// flood; the flood is cut around them (see `MulticastCover`), and
    /// around the broadcast address when ARP suppression is on.
    static func addPortFloods(_ floods: PortFloods, upcallPortID: UInt32, _ state: inout DesiredDatapathState) {
        let vni = floods.vni
        var excluded = Set(floods.groups.keys)
        if floods.suppression != nil { excluded.insert(ARPSuppression.broadcast) }
        let cover = excluded.isEmpty ? [] : MulticastCover.matches(excluding: excluded)
        // The ARP covers are the same for every port: made once.
        let known = floods.suppression?.known ?? []
        let arpCovers = floods.suppression.map { _ in
            ARPCovers(
                opcodes: ARPSuppression.cover(width: 8, excluding: [1]), targets: ARPSuppression.cover(width: 32, excluding: known))
        }
        for (port, actions) in floods.floodFrom.sorted(by: { $0.key < $1.key }) {
            let others = floods.floodsTo[port] ?? []
            guard !excluded.isEmpty else {
                var match = FlowBuilder(recirculation: floods.recirculation)
                match.inPort(port)
                match.multicastDestination()
                state.add(FlowIdentity.flood(vni: vni, port: port), match.flow(actions), to: others)
                continue
            }
            for part in cover {
                var match = FlowBuilder(recirculation: floods.recirculation)
                match.inPort(port)
                match.ethernet(destination: EthernetAddress(part.value), destinationMask: part.mask)
                state.add(FlowIdentity.floodPart(vni: vni, port: port, part), match.flow(actions), to: others)
            }
            for (group, tunnels) in floods.groups.sorted(by: { $0.key < $1.key }) {
                var match = FlowBuilder(recirculation: floods.recirculation)
                match.inPort(port)
                match.ethernet(destination: group)
                state.add(
                    FlowIdentity.multicastGroup(vni: vni, port: port, group: group),
                    match.flow(others.flatMap { FlowBuilder.deliver(to: $0) } + tunnels), to: others)
            }
            if let suppression = floods.suppression, let arpCovers, let binding = suppression.bindingOf[port] {
                addSuppressedBroadcast(
                    floods, port: port, flood: actions, to: others, suppression, arpCovers, &state)
                let key = ARPAnswering.Port(vni: vni, portNumber: port)
                state.arpAnswering.replyActions[key] = FlowBuilder.deliver(to: binding)
                state.arpAnswering.floodActions[key] = actions
            }
        }
        if let suppression = floods.suppression {
            state.arpAnswering.answers[vni] = suppression.targets
            addAnswers(floods, known: known, upcallPortID: upcallPortID, &state)
        }
    }

    /// Requests for a known target, from any port of the switch, up to be
    /// answered: one flow per target, not per port (the upcall's key says
    /// which port), disjoint from each port's cover of the other targets.
    private static func addAnswers(
        _ floods: PortFloods, known: Set<UInt64>, upcallPortID: UInt32, _ state: inout DesiredDatapathState
    ) {
        for target in known.sorted() {
            var match = FlowBuilder(recirculation: floods.recirculation)
            match.ethernet(destination: ARPSuppression.broadcast)
            match.etherType(ARPSuppression.arpType)
            match.arp(op: 1, opMask: 0xff, target: UInt32(target), targetMask: .max)
            state.add(
                FlowIdentity.arpAnswer(vni: floods.vni, target: target),
                match.flow([.userspace(pid: upcallPortID, userdata: ARPSuppression.upcallCookie, egressTunnelPort: nil)]))
        }
    }

    /// Broadcast from `port` with ARP suppression on: per EtherType (the
    /// kernel matches EtherTypes only exactly), ARP split by opcode and
    /// target so that only requests for `targets` come up.
    private static func addSuppressedBroadcast(
        _ floods: PortFloods, port: UInt32, flood: [FlowAction], to others: [Binding], _ suppression: PortFloods.Suppression,
        _ covers: ARPCovers, _ state: inout DesiredDatapathState
    ) {
        func broadcast(_ etherType: UInt16) -> FlowBuilder {
            var match = FlowBuilder(recirculation: floods.recirculation)
            match.inPort(port)
            match.ethernet(destination: ARPSuppression.broadcast)
            match.etherType(etherType)
            return match
        }
        let vni = floods.vni
        for type in ARPSuppression.floodedBroadcastTypes {
            state.add(FlowIdentity.broadcast(vni: vni, port: port, etherType: type), broadcast(type).flow(flood), to: others)
        }
        // Other EtherTypes: a flow each, once a miss revealed it (`MissClassifier`).
        for (fact, from) in suppression.revealed where from == port {
            guard let type = fact.etherType, ARPSuppression.floodsOnMiss(type) else { continue }
            state.liveFacts.unknownDestinations.insert(fact)
            state.add(FlowIdentity.broadcast(vni: vni, port: port, etherType: type), broadcast(type).flow(flood), to: others)
        }
        // Opcodes other than request (1), flooded: the kernel keeps the opcode in 8 bits.
        for op in covers.opcodes {
            var match = broadcast(ARPSuppression.arpType)
            match.arp(op: UInt8(op.value), opMask: UInt8(op.mask))
            state.add(FlowIdentity.arpOpcodes(vni: vni, port: port, value: op.value, mask: op.mask), match.flow(flood), to: others)
        }
        // Requests for any target but the known ones (answered by `addAnswers`), flooded.
        for part in covers.targets {
            var match = broadcast(ARPSuppression.arpType)
            match.arp(op: 1, opMask: 0xff, target: UInt32(part.value), targetMask: UInt32(part.mask))
            state.add(
                FlowIdentity.arpTargets(vni: vni, port: port, value: part.value, mask: part.mask), match.flow(flood), to: others)
        }
    }

    /// The ARP opcodes other than request, and the targets other than the known ones, as masked matches.
    struct ARPCovers {
        var opcodes: [(value: UInt64, mask: UInt64)]
        var targets: [(value: UInt64, mask: UInt64)]
    }

    /// The switch's IPv4 addresses the database knows, with their MACs:
    /// its `Ucast_Macs_Remote` rows with an `ipaddr`. An address two rows
    /// give different MACs is left out (flooded: the owner answers).
    static func arpTargets(_ db: VTEPDatabase, _ switchID: OVSDBUUID) -> [[UInt8]: EthernetAddress] {
        var targets: [[UInt8]: EthernetAddress] = [:]
        var ambiguous: Set<[UInt8]> = []
        for row in db.ucastMacsRemote.rows.values where row.logicalSwitch == switchID && !row.ipaddr.isEmpty {
            guard let ip = ipv4Bytes(row.ipaddr), let mac = EthernetAddress(row.mac), !mac.isMulticast else { continue }
            if let other = targets[ip], other != mac { ambiguous.insert(ip) }
            targets[ip] = mac
        }
        for ip in ambiguous { targets[ip] = nil }
        return targets
    }
}

extension FlowBuilder {
    /// `eth_type(T)`, exact (the kernel allows nothing else), with the
    /// header attribute the type obliges the key to carry, masked out.
    mutating func etherType(_ type: UInt16) {
        key.append(FlowKeyAttribute(type: OVSKey.ethertype, bytes: Self.be16(type)))
        mask.append(FlowKeyAttribute(type: OVSKey.ethertype, bytes: Self.be16(.max)))
        if case .some(.some(let (header, size))) = Self.innerHeader(of: type) {
            key.append(FlowKeyAttribute(type: header, bytes: [UInt8](repeating: 0, count: size)))
            mask.append(FlowKeyAttribute(type: header, bytes: [UInt8](repeating: 0, count: size)))
        }
    }

    /// `arp(tip=…/…,op=…/…)` on a key made by `etherType(0x0806)`: sets
    /// the ARP attribute's target and opcode, value and mask.
    mutating func arp(op: UInt8, opMask: UInt8, target: UInt32 = 0, targetMask: UInt32 = 0) {
        guard let at = key.lastIndex(where: { $0.type == OVSKey.arp }), let maskAt = mask.lastIndex(where: { $0.type == OVSKey.arp })
        else { return }
        // struct ovs_key_arp: sip(4) tip(4) op(2, big-endian) sha(6) tha(6) pad(2).
        func fields(_ tip: UInt32, _ op: UInt8) -> [UInt8] {
            [0, 0, 0, 0] + withUnsafeBytes(of: tip.bigEndian) { Array($0) } + [0, op] + [UInt8](repeating: 0, count: 14)
        }
        key[at] = FlowKeyAttribute(type: OVSKey.arp, bytes: fields(target & targetMask, op & opMask))
        mask[maskAt] = FlowKeyAttribute(type: OVSKey.arp, bytes: fields(targetMask, opMask))
    }
}
