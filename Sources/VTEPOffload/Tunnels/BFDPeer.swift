import BFD
import OVSDatapathCore
import VTEPCompiler

/// One remote locator's BFD session with what sending to it takes: the
/// frame around each control packet and the settings it was made from.
/// A value the monitor's thread owns; no I/O.
struct BFDPeer {
    /// The Tunnel row's settings this peer runs with.
    private(set) var tunnel: BFDTunnel
    private(set) var parameters: BFDParameters
    var session: BFDSession
    /// The frame every control packet travels in (its `packet` replaced each time).
    private(set) var frame: BFDFrame
    /// Until when a session that has never been up counts as settling.
    private(set) var settlesAt: BFDTime?
    /// Data and control packets from the remote, for forwarding_if_rx and decay_min_rx.
    private(set) var traffic = BFDTraffic()

    /// A session to `tunnel.remote`, starting Down at `now`.
    init(_ tunnel: BFDTunnel, localIP: [UInt8], discriminator: UInt32, sourcePort: UInt16, now: BFDTime) {
        self.tunnel = tunnel
        parameters = BFDParameters(tunnel.params)
        settlesAt = now + Self.settlingTime(parameters.configuration)
        session = BFDSession(localDiscriminator: discriminator, configuration: parameters.configuration, now: now)
        frame = BFDFrame(
            sourceMAC: [0x02, 0x00] + localIP, destinationMAC: Self.destinationMAC(tunnel.configRemote),
            sourceIP: BFDFrame.defaultLocalIP, destinationIP: Self.destinationIP(tunnel.configRemote), sourcePort: sourcePort,
            packet: BFDControlPacket())
    }

    /// How long a new session may take to come up before BUM avoids its
    /// locator: three packets' time at the slowest rate either side may
    /// send before Up (a second, or our min_rx if longer), at least 3 s.
    /// Without it, the node whose session happened to come up first would
    /// keep BUM (the choice is sticky), not the lowest.
    static func settlingTime(_ configuration: BFDSession.Configuration) -> BFDTime {
        3 * BFDTime(max(configuration.minRxMicroseconds, configuration.minTxMicroseconds, 1_000_000))
    }

    /// Takes new settings from the row: intervals through the session's
    /// poll sequence, addresses at once. Returns a state change, if any.
    mutating func update(_ new: BFDTunnel, now: BFDTime) -> BFDSession.Change? {
        guard new != tunnel else { return nil }
        tunnel = new
        parameters = BFDParameters(new.params)
        frame.destinationMAC = Self.destinationMAC(new.configRemote)
        frame.destinationIP = Self.destinationIP(new.configRemote)
        return session.reconfigure(wantedConfiguration, now: now)
    }

    /// Whether the admission flows' counts are wanted (forwarding_if_rx or decay_min_rx).
    var wantsDataCounts: Bool { parameters.forwardingIfRx || parameters.decayMinRxMilliseconds > 0 }

    /// The row's configuration, min_rx raised to decay_min_rx while in decay.
    var wantedConfiguration: BFDSession.Configuration {
        var configuration = parameters.configuration
        if traffic.inDecay { configuration.minRxMicroseconds = parameters.decayMinRxMilliseconds * 1000 }
        return configuration
    }

    /// A control packet from the remote was taken in.
    mutating func noteBFD(at now: BFDTime) { traffic.noteBFD(at: now) }

    /// The remote's admission flows count `total` packets now.
    mutating func noteData(total: UInt64, at now: BFDTime) { traffic.noteData(total: total, at: now) }

    /// Enters or leaves decay when a check is due (the new min_rx goes
    /// out with a poll); returns a state change, if any.
    mutating func applyDecay(at now: BFDTime) -> BFDSession.Change? {
        let up = session.state == .up
        guard traffic.decayStep(at: now, up: up, decayMilliseconds: parameters.decayMinRxMilliseconds) != nil else { return nil }
        return session.reconfigure(wantedConfiguration, now: now)
    }

    /// OVS's `forwarding`: the session's, or with forwarding_if_rx, data
    /// still arriving (the remote reporting no path down either way).
    func forwarding(at now: BFDTime) -> Bool {
        guard !session.forwarding else { return true }
        let pathDown: [BFDDiagnostic] = [.pathDown, .concatenatedPathDown, .reverseConcatenatedPathDown]
        return parameters.forwardingIfRx && !pathDown.contains(session.remoteDiagnostic)
            && traffic.forwardingIfRx(
                at: now, detectionTime: session.detectionTime, minRxMicroseconds: session.configuration.minRxMicroseconds)
    }

    /// The frame that carries `packet` to the remote.
    func frameBytes(_ packet: BFDControlPacket) -> [UInt8] {
        var frame = frame
        frame.packet = packet
        if parameters.concatenatedPathDown, frame.packet.state != .adminDown, frame.packet.diagnostic == .none {
            frame.packet.diagnostic = .concatenatedPathDown
        }
        return frame.bytes
    }

    /// The status at `now`; a session that came up once has settled for good.
    mutating func status(at now: BFDTime) -> TunnelStatus {
        if let settlesAt, session.state == .up || now >= settlesAt { self.settlesAt = nil }
        return TunnelStatus(session, problems: parameters.problems, settling: settlesAt != nil, forwarding: forwarding(at: now))
    }

    /// `bfd_config_remote:bfd_dst_mac`, or OVS's default.
    static func destinationMAC(_ config: [String: String]) -> [UInt8] {
        config["bfd_dst_mac"].flatMap(EthernetAddress.init).map(\.bytes) ?? BFDFrame.defaultMAC
    }

    /// `bfd_config_remote:bfd_dst_ip`, or OVS's default.
    static func destinationIP(_ config: [String: String]) -> [UInt8] {
        config["bfd_dst_ip"].flatMap(ipv4Bytes) ?? BFDFrame.defaultRemoteIP
    }
}
