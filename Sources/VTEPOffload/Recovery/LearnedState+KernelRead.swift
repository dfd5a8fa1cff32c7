import OVSDatapathCore
import OVSDatapathNL
import VTEPCompiler

extension LearnedState {
    /// `recover(from:tunnelPort:portNames:)` on the datapath's current
    /// flows and ports: one dump, of which only the flows that match an
    /// input port are decoded — every flow recovery reads does, and the
    /// remote MACs' flows (nearly all of a large table) do not. Returns
    /// the flows it read, for whatever else a restart takes back from them.
    @discardableResult
    public mutating func recover(from connection: DatapathConnection, datapath: Datapath) throws(NetlinkError) -> [Flow] {
        let vports = try connection.vports(of: datapath)
        guard let tunnel = vports.vxlanTunnel else { return [] }
        var flows: [Flow] = []
        try connection.portMatchingFlows(in: datapath) { flows.append($0) }
        recover(from: flows, tunnelPort: tunnel.portNumber, portNames: vports.namesByPortNumber)
        forgetClaimedUnknowns()
        return flows
    }
}
