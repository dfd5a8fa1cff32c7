import ArgumentParser

@main
struct VTEPKDP: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vtep-kdp",
        abstract: "A VXLAN tunnel endpoint programmed straight into the openvswitch kernel datapath.",
        discussion: """
            vtep-kdp reads the OVSDB hardware_vtep database (the one ovs-vtep reads) and \
            installs VXLAN vports and exact-match megaflows into the openvswitch kernel \
            datapath over generic netlink, with no ovs-vswitchd in between.

            The datapath commands and one-shot `sync` work today; the long-running VTEP \
            daemon is being built (see the README).
            """,
        subcommands: [ShowCommand.self, DumpFlowsCommand.self, AddFlowCommand.self, DeleteFlowsCommand.self, ExecuteCommand.self, DemoCommand.self, SyncCommand.self, RunCommand.self])
}
