import OVSDatapathCore
import VTEPModel

/// ARP suppression (issue 25): an ARP request from a local port for an
/// IPv4 address the database knows in the same logical switch
/// (`Ucast_Macs_Remote.ipaddr`) is answered by vtep-kdp, not flooded.
/// Opt-in per switch with `Logical_Switch.other_config:arp-suppression=true`.
///
/// The kernel cannot rewrite ARP fields into a reply, so the requests to
/// answer come up (`userspace(cookie "arp\1")`); it has no priorities, so
/// they must be flows *disjoint* from the flood; and it matches EtherTypes
/// only exactly (docs/kernel-facts.md). So, per local port of the switch,
/// the stage-2 flood is cut around the broadcast address, and broadcast
/// is flooded per EtherType: IPv4, IPv6 and RARP by flows made up front,
/// others by a flow each once a miss reveals them (`UnknownDestination`'s
/// `etherType`), and ARP by masked flows on its opcode and target:
/// opcodes other than request flooded, requests for known targets sent
/// up, requests for any other target flooded in the kernel, at once.
public enum ARPSuppression {
    /// The `Logical_Switch.other_config` key that turns it on ("true").
    public static let otherConfigKey = "arp-suppression"
    /// The userdata of the `userspace()` action of the flows that send requests up.
    public static let upcallCookie: [UInt8] = Array("arp".utf8) + [1]
    /// The broadcast address, cut out of the stage-2 flood.
    public static let broadcast = EthernetAddress("ff:ff:ff:ff:ff:ff")!
    /// The broadcast EtherTypes flooded by flows of their own (ARP aside).
    static let floodedBroadcastTypes: [UInt16] = [0x0800, 0x86dd, 0x8035]
    static let arpType: UInt16 = 0x0806

    /// Whether a broadcast of `etherType` gets its flood flow on a miss:
    /// every type but those whose flows are made up front.
    static func floodsOnMiss(_ etherType: UInt16) -> Bool {
        etherType != arpType && !floodedBroadcastTypes.contains(etherType)
    }

    /// Whether `logicalSwitch` asks for it.
    public static func isOn(_ logicalSwitch: VTEPLogicalSwitch) -> Bool {
        logicalSwitch.otherConfig[otherConfigKey] == "true"
    }

    /// Whether `upcall` is a request sent up by an answering flow.
    public static func isRequest(_ upcall: Upcall) -> Bool {
        guard case .action(let userdata) = upcall.reason else { return false }
        return userdata.map { Array($0.prefix(upcallCookie.count)) } == upcallCookie
    }

    /// Every `width`-bit value except `excluded`, as disjoint prefix
    /// matches (value, mask): the way `MulticastCover` cuts a flood. Each
    /// excluded value costs at most `width` matches.
    static func cover(width: Int, excluding excluded: Set<UInt64>) -> [(value: UInt64, mask: UInt64)] {
        var result: [(value: UInt64, mask: UInt64)] = []
        func walk(_ depth: Int, value: UInt64, mask: UInt64, excluded: [UInt64]) {
            guard !excluded.isEmpty else {
                result.append((value, mask))
                return
            }
            guard depth < width else { return }
            let bit: UInt64 = 1 << UInt64(width - 1 - depth)
            for side in [0, bit] {
                walk(depth + 1, value: value | side, mask: mask | bit, excluded: excluded.filter { $0 & bit == side })
            }
        }
        walk(0, value: 0, mask: 0, excluded: Array(excluded))
        return result
    }
}

/// What the ARP responder needs after a pass: the answers, and per local
/// port of a switch with suppression on, how to reply and how to flood.
public struct ARPAnswering: Sendable, Equatable {
    /// A local port of a switch with suppression on.
    public struct Port: Hashable, Sendable {
        /// The switch's VNI.
        public var vni: UInt32
        /// The datapath port number.
        public var portNumber: UInt32

        /// Port `portNumber` of the switch of `vni`.
        public init(vni: UInt32, portNumber: UInt32) {
            self.vni = vni
            self.portNumber = portNumber
        }
    }

    /// Per VNI, the MAC of each known IPv4 address (4 bytes).
    public var answers: [UInt32: [[UInt8]: EthernetAddress]] = [:]
    /// Per port, the actions that put a reply out of it (tagged for its VLAN).
    public var replyActions: [Port: [FlowAction]] = [:]
    /// Per port, its flood: what a request over the rate is sent with.
    public var floodActions: [Port: [FlowAction]] = [:]

    /// Nothing to answer.
    public init() {}
}
