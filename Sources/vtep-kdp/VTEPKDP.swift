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

            `vtep-kdp [options] PS-NAME` runs the daemon (the `run` command); the other \
            commands inspect and change the datapath by hand, in ovs-dpctl notation.
            """,
        version: Version.text,
        subcommands: [
            RunCommand.self, SyncCommand.self, StatusCommand.self, ShowCommand.self, DumpFlowsCommand.self, AddFlowCommand.self,
            DeleteFlowsCommand.self, AddPortCommand.self, DeletePortCommand.self,
            ExecuteCommand.self, DemoCommand.self,
        ],
        defaultSubcommand: RunCommand.self)
}
