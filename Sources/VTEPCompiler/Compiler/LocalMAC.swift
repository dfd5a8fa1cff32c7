import OVSDB
import OVSDatapathCore
import VTEPModel

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
