import ArgumentParser
import OVSDatapathCore
import OVSDatapathNL

/// `vtep-kdp demo`: builds the reference layout's datapath — local port,
/// physical ports, one VXLAN port — and prints it. A stepping stone to the
/// full reference scenario, and a quick check that a kernel can host us.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Create a datapath with physical ports and a VXLAN port, then print it.",
        discussion: "The ports must be existing Ethernet netdevs (NICs, veth or tap devices).")

    @Option(name: .long, help: "Datapath name.")
    var datapath = "ovs-system"

    @Option(name: .long, parsing: .upToNextOption, help: "Netdevs to attach as physical ports.")
    var ports: [String] = []

    @Option(name: .long, help: "VXLAN UDP destination port.")
    var vxlanPort: UInt16 = VXLANNaming.defaultPort

    @Option(name: .long, help: "How to make the VXLAN port: rtnetlink (a vxlan_sys device, as OVS does) or legacy (the genl vport type).")
    var vxlanMethod: VXLANPortMethod = .rtnetlinkDevice

    @Flag(name: .long, help: "Delete the datapath (and the vxlan device) again before exiting.")
    var cleanUp = false

    func run() throws {
        let connection = try DatapathConnection()
        let datapath = try connection.createDatapath(name: datapath)
        print("created datapath \(datapath.name) (ifindex \(datapath.ifindex), features \(datapath.userFeatures))")
        for port in ports {
            let vport = try connection.addVport(to: datapath, name: port, spec: .netdev)
            print("added port \(vport.portNumber): \(vport.name)")
        }
        let (tunnel, method) = try connection.addVXLANPort(to: datapath, destinationPort: vxlanPort, preferred: vxlanMethod)
        print("added port \(tunnel.portNumber): \(tunnel.name) (vxlan via \(method.rawValue), UDP port \(vxlanPort))")
        print(DatapathShowFormat.render(try connection.datapath(named: datapath.name), ports: try connection.vports(of: datapath)))
        if cleanUp {
            try connection.deleteVXLANPort(tunnel)
            try connection.deleteDatapath(named: datapath.name)
            print("deleted datapath \(datapath.name)")
        }
    }
}

extension VXLANPortMethod: ExpressibleByArgument {}
