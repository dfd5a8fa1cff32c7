import ArgumentParser
import OVSDatapathCore
import OVSDatapathNL

/// `vtep-kdp execute DP FRAME ACTIONS`: inject one frame with actions.
struct ExecuteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "execute",
        abstract: "Run actions on a frame given in hex, as if it had arrived on --in-port.",
        discussion: "Example: vtep-kdp execute ovs-system ffffffffffff0200000000b088b5... 2")

    @Argument(help: "Datapath name.") var datapath: String
    @Argument(help: "The frame, in hex (Ethernet header first).") var frame: String
    @Argument(help: "Actions in ovs-dpctl notation, e.g. '2' or 'set(tunnel(...)),3'.") var actions: String
    @Option(help: "The port the frame is taken to have arrived on.") var inPort: UInt32 = 0

    func run() throws {
        let connection = try DatapathConnection()
        let datapath = try connection.datapath(named: datapath)
        let bytes = try FlowParser.hexBytes(frame)
        let metadata = [FlowKeyAttribute(type: OVSKey.inPort, bytes: withUnsafeBytes(of: inPort) { Array($0) })]
        try connection.execute(packet: bytes, metadata: metadata, actions: try FlowParser.parseActions(actions), in: datapath)
    }
}
