import Testing

@testable import VTEPOffload

/// Issue 26, point 6: vtep-kdp refused to start whenever any ovs-vswitchd
/// ran on the host, even one serving another network namespace (an OVN
/// hypervisor beside the gateway). Only an ovs-vswitchd in our namespace,
/// with vtep-kdp on the `ovs-system` datapath it serves, is a conflict.
@Suite struct OVSVswitchdConflictTests {
    static let ours = "net:[4026531840]", theirs = "net:[4026532301]"

    @Test func onlyOneInOurNamespaceOnItsDatapathConflicts() {
        // Another namespace's ovs-vswitchd never sees our datapath.
        #expect(OVSVswitchdConflict.conflicting(datapath: "ovs-system", ourNamespace: Self.ours, vswitchds: [(41, Self.theirs)]) == nil)
        // Ours, on its datapath: refused, naming it.
        #expect(
            OVSVswitchdConflict.conflicting(
                datapath: "ovs-system", ourNamespace: Self.ours, vswitchds: [(41, Self.theirs), (42, Self.ours)])
                == 42)
        // Ours, but vtep-kdp on a datapath of its own.
        #expect(OVSVswitchdConflict.conflicting(datapath: "vtep0", ourNamespace: Self.ours, vswitchds: [(42, Self.ours)]) == nil)
        // None at all.
        #expect(OVSVswitchdConflict.conflicting(datapath: "ovs-system", ourNamespace: Self.ours, vswitchds: []) == nil)
    }

    @Test func aNamespaceThatCannotBeReadIsTakenToBeOurs() {
        #expect(OVSVswitchdConflict.conflicting(datapath: "ovs-system", ourNamespace: Self.ours, vswitchds: [(43, nil)]) == 43)
        #expect(OVSVswitchdConflict.conflicting(datapath: "ovs-system", ourNamespace: nil, vswitchds: [(44, Self.theirs)]) == 44)
    }
}
