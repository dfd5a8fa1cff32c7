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

    /// A session to `tunnel.remote`, starting Down at `now`.
    init(_ tunnel: BFDTunnel, localIP: [UInt8], discriminator: UInt32, sourcePort: UInt16, now: BFDTime, settling: BFDTime) {
        self.tunnel = tunnel
        settlesAt = now + settling
        parameters = BFDParameters(tunnel.params)
        session = BFDSession(localDiscriminator: discriminator, configuration: parameters.configuration, now: now)
        frame = BFDFrame(
            sourceMAC: [0x02, 0x00] + localIP, destinationMAC: Self.destinationMAC(tunnel.configRemote),
            sourceIP: BFDFrame.defaultLocalIP, destinationIP: Self.destinationIP(tunnel.configRemote), sourcePort: sourcePort,
            packet: BFDControlPacket())
    }

    /// Takes new settings from the row: intervals through the session's
    /// poll sequence, addresses at once. Returns a state change, if any.
    mutating func update(_ new: BFDTunnel, now: BFDTime) -> BFDSession.Change? {
        guard new != tunnel else { return nil }
        tunnel = new
        parameters = BFDParameters(new.params)
        frame.destinationMAC = Self.destinationMAC(new.configRemote)
        frame.destinationIP = Self.destinationIP(new.configRemote)
        return session.reconfigure(parameters.configuration, now: now)
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
        return TunnelStatus(session, problems: parameters.problems, settling: settlesAt != nil)
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
