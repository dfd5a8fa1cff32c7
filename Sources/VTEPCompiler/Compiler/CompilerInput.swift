import OVSDB
import OVSDatapathCore
import VTEPModel

/// Everything the compiler reads: the VTEP database, which switch we are,
/// and how the datapath is laid out. No I/O happens behind any of it.
public struct CompilerInput: Sendable {
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
    public var mac: EthernetAddress
    public var port: String
    public var vlan: UInt16

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
    public var port: String
    public var portNumber: UInt32
    /// 0 = untagged.
    public var vlan: UInt16
    public var logicalSwitch: OVSDBUUID
    public var logicalSwitchName: String
    public var vni: UInt32

    public var description: String { "\(port) vlan \(vlan) → \(logicalSwitchName) (VNI \(vni))" }
}
