/// Whether an ovs-vswitchd would fight vtep-kdp over its datapath. The
/// kernel keeps datapaths per network namespace, and ovs-vswitchd serves
/// one of them there, `ovs-system` (its "system" datapath type); its
/// revalidators delete every flow in it that they did not install. An
/// ovs-vswitchd in another namespace — an OVN hypervisor beside a gateway,
/// a test's chassis — never sees our datapath.
public enum OVSVswitchdConflict {
    /// The datapath ovs-vswitchd uses in its namespace.
    public static let servedDatapath = "ovs-system"

    /// The pid of an ovs-vswitchd that serves `datapath` in our network
    /// namespace, or nil. A namespace that cannot be read (nil) is taken
    /// to be ours: refusing by mistake is the safer error.
    /// - Parameters:
    ///   - ourNamespace: our network namespace's identity (`net:[…]`).
    ///   - vswitchds: each running ovs-vswitchd's pid and namespace identity.
    public static func conflicting(datapath: String, ourNamespace: String?, vswitchds: [(pid: Int32, namespace: String?)]) -> Int32? {
        guard datapath == servedDatapath else { return nil }
        return vswitchds.first { $0.namespace == nil || ourNamespace == nil || $0.namespace == ourNamespace }?.pid
    }
}
