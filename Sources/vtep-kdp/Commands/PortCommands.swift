import ArgumentParser
import OVSDatapathCore
import OVSDatapathNL

/// `vtep-kdp add-port DP PORT...`: the way a port joins the switch without
/// ovs-vswitchd. A running vtep-kdp sees the new datapath port within a
/// second and publishes it as a Physical_Port row, as ovs-vtep publishes
/// its bridge's ports.
struct AddPortCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-port",
        abstract: "Add network devices to a datapath as ports of the switch vtep-kdp serves.",
        discussion: """
            As ovs-dpctl add-if DP PORT does. A running vtep-kdp publishes each port as a \
            Physical_Port row of its switch (vtep-ctl list-ports shows it) within a second; \
            bind it with vtep-ctl bind-ls. `vtep-ctl add-port` works too: vtep-kdp then adds the \
            device to the datapath itself.
            """)

    @Argument(help: "Datapath name.") var datapath: String
    @Argument(help: "Network devices (NICs, veth or tap devices) to add.") var ports: [String]

    func run() throws {
        let connection = try DatapathConnection()
        let datapath = try connection.datapath(named: datapath)
        let present = Set(try connection.vports(of: datapath).map(\.name))
        for port in ports where !present.contains(port) {
            let vport = try connection.addVport(to: datapath, name: port, spec: .netdev)
            print("\(port): port \(vport.portNumber) of \(datapath.name)")
        }
    }
}

/// `vtep-kdp del-port DP PORT...`: a port leaves the switch; a running
/// vtep-kdp deletes its Physical_Port row (and with it the port's bindings).
struct DeletePortCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "del-port",
        abstract: "Remove ports from a datapath, and so from the switch vtep-kdp serves.",
        discussion: "As ovs-dpctl del-if DP PORT does. A running vtep-kdp deletes each port's Physical_Port row within a second.")

    @Argument(help: "Datapath name.") var datapath: String
    @Argument(help: "Ports to remove.") var ports: [String]

    func run() throws {
        let connection = try DatapathConnection()
        let datapath = try connection.datapath(named: datapath)
        let vports = try connection.vports(of: datapath)
        for port in ports {
            guard let vport = vports.first(where: { $0.name == port }) else {
                throw ValidationError("\(port) is not a port of \(datapath.name)")
            }
            guard vport.type == .netdev else { throw ValidationError("\(port) is vtep-kdp's \(vport.type) port, not a port of the switch") }
            try connection.deleteVport(vport)
        }
    }
}
