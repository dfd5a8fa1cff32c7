import OVSDatapathCore

/// A remote locator this VTEP runs BFD with, as the compiler found it: a
/// Tunnel row of our switch, from our tunnel IP, to a locator we tunnel to
/// or admit from, with `bfd_params:enable=true`. The session itself runs
/// in VTEPOffload (`TunnelHealthMonitor`); the compiler gives it the
/// kernel flow that hands the remote's BFD packets to userspace.
public struct BFDTunnel: Hashable, Sendable {
    /// The remote locator's IPv4 address, 4 bytes.
    public var remote: [UInt8]
    /// The row's `bfd_params` (`enable`, `min_rx`, `min_tx`, …).
    public var params: [String: String]
    /// The row's `bfd_config_remote` (`bfd_dst_mac`, `bfd_dst_ip`): where our packets go.
    public var configRemote: [String: String]

    /// A tunnel to `remote` with the row's BFD columns.
    public init(remote: [UInt8], params: [String: String], configRemote: [String: String] = [:]) {
        self.remote = remote
        self.params = params
        self.configRemote = configRemote
    }

    /// The `userspace()` cookie of the flows that hand BFD to us: "bfd" and
    /// a version byte, so a BFD upcall is told from any other action upcall.
    public static let upcallCookie: [UInt8] = [0x62, 0x66, 0x64, 0x01]

    /// BFD runs on the tunnel with key 0, as ovs-vswitchd runs it on a VXLAN port.
    public static let tunnelKey: UInt32 = 0
}

extension BFDTunnel {
    /// The actions that send a BFD frame to `remote`: into the tunnel with
    /// key 0 from our tunnel IP, out of the VXLAN port.
    public static func transmitActions(localIP: [UInt8], remote: [UInt8], tunnelPort: UInt32) -> [FlowAction] {
        [FlowBuilder.setTunnel(vni: tunnelKey, source: localIP, destination: remote), .output(port: tunnelPort)]
    }
}

extension BFDTunnel {
    /// The admission flows whose packet counts are what `remote` sends us
    /// (one per VNI it is a source of): BFD's `forwarding_if_rx` and
    /// `decay_min_rx` read them, as OVS reads a tunnel port's rx counter.
    public static func dataFlows(
        from remote: [UInt8], tunnelSources: [UInt32: Set<[UInt8]>], tunnelPort: UInt32, localIP: [UInt8]
    ) -> [FlowUFID] {
        tunnelSources.filter { $0.value.contains(remote) }.keys.sorted().map {
            FlowUFID(deriving: FlowIdentity.tunnelAdmission(vni: $0, tunnelPort: tunnelPort, source: remote, destination: localIP))
        }
    }
}
