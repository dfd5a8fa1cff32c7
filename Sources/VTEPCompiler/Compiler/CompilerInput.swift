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
    /// Whether a local source that is also a remote MAC of its switch takes
    /// that MAC over (delivered here, listed as local). Off by default: the
    /// controller's binding stands, and a VM cannot draw another host's
    /// traffic by sending from its MAC.
    public var allowsRemoteMACTakeover: Bool
    /// What BFD says of the remote locators (nothing down by default).
    public var locatorHealth: LocatorHealth
    /// The netlink port a `userspace()` action names (BFD's reception
    /// flows): the kernel refuses 0, and with per-CPU dispatch sends to the
    /// CPU's socket whatever it says. 0: nobody listens, no BFD flows.
    public var upcallPortID: UInt32

    /// Everything one compile reads; the learned parts default to nothing learned.
    public init(
        database: VTEPDatabase, switchName: String, portNumbers: [String: UInt32], tunnelPort: UInt32,
        localMACs: [LocalMAC] = [], missFacts: MissFacts = MissFacts(), allowsRemoteMACTakeover: Bool = false,
        locatorHealth: LocatorHealth = LocatorHealth(), upcallPortID: UInt32 = 0
    ) {
        self.database = database
        self.switchName = switchName
        self.portNumbers = portNumbers
        self.tunnelPort = tunnelPort
        self.localMACs = localMACs
        self.missFacts = missFacts
        self.allowsRemoteMACTakeover = allowsRemoteMACTakeover
        self.locatorHealth = locatorHealth
        self.upcallPortID = upcallPortID
    }
}
