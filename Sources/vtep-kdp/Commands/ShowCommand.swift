import ArgumentParser
import OVSDatapathCore
import OVSDatapathNL

/// `vtep-kdp show [DP...]`: the datapaths and their ports, as `ovs-dpctl show` prints them.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show kernel datapaths and their ports in ovs-dpctl notation.")

    @Argument(help: "Datapaths to show (default: all).")
    var datapaths: [String] = []

    @Flag(name: .shortAndLong, help: "Also print per-port packet and byte counters.")
    var statistics = false

    func run() throws {
        let connection = try DatapathConnection()
        let selected =
            datapaths.isEmpty
            ? try connection.datapaths().sorted { $0.name < $1.name }
            : try datapaths.map { name throws(NetlinkError) in try connection.datapath(named: name) }
        for datapath in selected {
            print(DatapathShowFormat.render(datapath, ports: try connection.vports(of: datapath), statistics: statistics))
        }
    }
}
