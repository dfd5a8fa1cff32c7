import OVSDB
import OVSDatapathCore
import VTEPModel

/// Everything the compiler reads: the VTEP database, which switch we are,
/// and how the datapath is laid out. No I/O happens behind any of it.
public struct CompilerInput: Sendable {
    /// The replica of the hardware_vtep database, as of this pass.
    public var database: VTEPDatabase
    /// The Physical_Switch this vtep-kdp serves.
    public var switchName: String
    /// Datapath port numbers of the physical ports that exist, by name.
    public var portNumbers: [String: UInt32]
    /// The VXLAN vport.
    public var tunnelPort: UInt32
    /// Local MACs known to sit behind a binding (learned; issue 6 feeds this).
    public var localMACs: [LocalMAC]
    /// What flow-table misses revealed (unknown destinations, tagged
    /// EtherTypes, unbound VLANs, foreign VNIs).
    public var missFacts: MissFacts

    /// Everything one compile reads; the learned parts default to nothing learned.
    public init(
        database: VTEPDatabase, switchName: String, portNumbers: [String: UInt32], tunnelPort: UInt32,
        localMACs: [LocalMAC] = [], missFacts: MissFacts = MissFacts()
    ) {
        self.database = database
        self.switchName = switchName
        self.portNumbers = portNumbers
        self.tunnelPort = tunnelPort
        self.localMACs = localMACs
        self.missFacts = missFacts
    }
}

/// A MAC seen behind one binding.
public struct LocalMAC: Hashable, Sendable {
    /// The MAC address.
    public var mac: EthernetAddress
    /// The Physical_Port it was seen on.
    public var port: String
    /// The VLAN it was seen on (0 = untagged).
    public var vlan: UInt16

    /// `mac` behind the binding on `vlan` of `port`.
    public init(mac: EthernetAddress, port: String, vlan: UInt16) {
        self.mac = mac
        self.port = port
        self.vlan = vlan
    }

    /// `MAC@PORT` (untagged), as `--local-mac` takes it.
    public init?(parsing text: String) {
        let parts = text.split(separator: "@")
        guard parts.count == 2, let mac = EthernetAddress(String(parts[0])) else { return nil }
        self.init(mac: mac, port: String(parts[1]), vlan: 0)
    }
}

/// One VLAN of one physical port mapped to a logical switch, resolved.
public struct Binding: Hashable, Sendable, CustomStringConvertible {
    /// The Physical_Port's name.
    public var port: String
    /// The datapath port number of the port's vport.
    public var portNumber: UInt32
    /// 0 = untagged.
    public var vlan: UInt16
    /// The Logical_Switch row the VLAN is bound to.
    public var logicalSwitch: OVSDBUUID
    /// That switch's name, for the log.
    public var logicalSwitchName: String
    /// That switch's VNI (its `tunnel_key`), at most 24 bits.
    public var vni: UInt32

    /// `p0 vlan 0 → ls0 (VNI 33)`, for the log.
    public var description: String { "\(port) vlan \(vlan) → \(logicalSwitchName) (VNI \(vni))" }
}
