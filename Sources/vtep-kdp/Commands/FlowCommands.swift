import ArgumentParser
import OVSDatapathCore
import OVSDatapathNL

/// `vtep-kdp dump-flows DP`: the datapath's flows in ovs-dpctl notation.
struct DumpFlowsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump-flows",
        abstract: "Print a datapath's flows as ovs-dpctl dump-flows does.")

    @Argument(help: "Datapath name.")
    var datapath = "ovs-system"

    @Flag(name: .shortAndLong, help: "Prefix each flow with its UFID.")
    var ufid = false

    func run() throws {
        let connection = try DatapathConnection()
        let datapath = try connection.datapath(named: datapath)
        let now = MonotonicClock.nowMilliseconds()
        try connection.dumpFlows(in: datapath) { flow in
            let prefix = ufid ? (flow.ufid.map { "\($0), " } ?? "") : ""
            print(prefix + FlowFormatter.format(flow, nowMilliseconds: now))
        }
    }
}

/// `vtep-kdp add-flow DP MATCH ACTIONS`, as `ovs-dpctl add-flow` takes them.
struct AddFlowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-flow",
        abstract: "Install one flow written in ovs-dpctl notation.",
        discussion: "Example: vtep-kdp add-flow ovs-system 'recirc_id(0),in_port(1),eth(src=02:00:00:00:01:01)' 'recirc(0x1000021)'")

    @Argument(help: "Datapath name.") var datapath: String
    @Argument(help: "The match, e.g. 'recirc_id(0),in_port(1),eth(dst=aa:00:00:00:00:01)'.") var match: String
    @Argument(help: "The actions, e.g. '1,2' or 'set(tunnel(...)),3' or 'drop'.") var actions: String
    @Flag(help: "Replace the actions of an existing flow instead of failing.") var modify = false

    func run() throws {
        let connection = try DatapathConnection()
        let datapath = try connection.datapath(named: datapath)
        let parsed = try FlowParser.parseMatch(match)
        let flow = Flow(
            key: parsed.key, mask: parsed.mask, actions: try FlowParser.parseActions(actions),
            ufid: FlowUFID(deriving: match))
        try connection.putFlow(flow, in: datapath, mode: modify ? .createOrModify : .create)
    }
}

/// `vtep-kdp del-flows DP`: remove every flow.
struct DeleteFlowsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "del-flows", abstract: "Delete every flow of a datapath.")
    @Argument(help: "Datapath name.") var datapath = "ovs-system"

    func run() throws {
        let connection = try DatapathConnection()
        try connection.flushFlows(in: try connection.datapath(named: datapath))
    }
}
