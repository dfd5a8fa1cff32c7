import OVSDatapathCore
import Testing

@testable import VTEPOffload

/// The switch's ports kept the same in the datapath and the database, with
/// memory of what both held: joining on one side is told from leaving the other.
@Suite struct PortInventoryTests {
    private let everyDeviceExists: (String) -> Bool = { _ in true }

    @Test func aStartOnlyJoinsPortsFromEitherSide() {
        var inventory = PortInventory()
        let plan = inventory.plan(datapath: ["p0", "p1"], database: ["p1", "p2"], deviceExists: everyDeviceExists)
        #expect(plan.addToDatapath == ["p2"])
        #expect(plan.removeFromDatapath.isEmpty)
        #expect(plan.deleteRows.isEmpty)
        #expect(plan.ports == ["p0", "p1", "p2"])
    }

    @Test func aRowWithoutADeviceWaitsForIt() {
        var inventory = PortInventory()
        var devices: Set<String> = []
        var plan = inventory.plan(datapath: [], database: ["p9"], deviceExists: { devices.contains($0) })
        #expect(plan.addToDatapath.isEmpty)
        #expect(plan.ports.isEmpty)
        #expect(plan.deleteRows.isEmpty, "the row is the operator's: it stays, with a fault")
        devices.insert("p9")
        plan = inventory.plan(datapath: [], database: ["p9"], deviceExists: { devices.contains($0) })
        #expect(plan.addToDatapath == ["p9"])
    }

    @Test func aPortThatLeavesTheDatapathLosesItsRowUntilTheRowIsGone() {
        var inventory = PortInventory()
        _ = inventory.plan(datapath: ["p0", "p1"], database: ["p0", "p1"], deviceExists: everyDeviceExists)
        var plan = inventory.plan(datapath: ["p0"], database: ["p0", "p1"], deviceExists: everyDeviceExists)
        #expect(plan.deleteRows == ["p1"])
        #expect(plan.addToDatapath.isEmpty, "a port that left is not put back")
        #expect(plan.ports == ["p0"])
        // The write-back has not happened yet (or failed): asked again.
        plan = inventory.plan(datapath: ["p0"], database: ["p0", "p1"], deviceExists: everyDeviceExists)
        #expect(plan.deleteRows == ["p1"])
        #expect(plan.addToDatapath.isEmpty)
        plan = inventory.plan(datapath: ["p0"], database: ["p0"], deviceExists: everyDeviceExists)
        #expect(plan.deleteRows.isEmpty)
        #expect(inventory.rowsToDelete.isEmpty)
    }

    @Test func aPortBackInTheDatapathBeforeItsRowWentKeepsTheRow() {
        var inventory = PortInventory()
        _ = inventory.plan(datapath: ["p0"], database: ["p0"], deviceExists: everyDeviceExists)
        _ = inventory.plan(datapath: [], database: ["p0"], deviceExists: everyDeviceExists)
        let plan = inventory.plan(datapath: ["p0"], database: ["p0"], deviceExists: everyDeviceExists)
        #expect(plan.deleteRows.isEmpty)
        #expect(plan.ports == ["p0"])
    }

    @Test func aDeletedRowTakesItsPortOutOfTheDatapath() {
        var inventory = PortInventory()
        _ = inventory.plan(datapath: ["p0", "p1"], database: ["p0", "p1"], deviceExists: everyDeviceExists)
        let plan = inventory.plan(datapath: ["p0", "p1"], database: ["p0"], deviceExists: everyDeviceExists)
        #expect(plan.removeFromDatapath == ["p1"])
        #expect(plan.ports == ["p0"])
    }

    @Test func aPortNewInTheDatapathIsPublished() {
        var inventory = PortInventory()
        _ = inventory.plan(datapath: ["p0"], database: ["p0"], deviceExists: everyDeviceExists)
        let plan = inventory.plan(datapath: ["p0", "p3"], database: ["p0"], deviceExists: everyDeviceExists)
        #expect(plan.ports == ["p0", "p3"])
        #expect(plan.removeFromDatapath.isEmpty)
    }

    @Test func aRefusedAddIsTriedAgainAndARefusedRemoveToo() {
        var inventory = PortInventory()
        var plan = inventory.plan(datapath: [], database: ["lo"], deviceExists: everyDeviceExists)
        #expect(plan.addToDatapath == ["lo"])
        inventory.notAdded("lo")
        plan = inventory.plan(datapath: [], database: ["lo"], deviceExists: everyDeviceExists)
        #expect(plan.addToDatapath == ["lo"])
        #expect(plan.deleteRows.isEmpty, "a port never added did not leave")

        _ = inventory.plan(datapath: ["p1"], database: ["p1"], deviceExists: everyDeviceExists)
        plan = inventory.plan(datapath: ["p1"], database: [], deviceExists: everyDeviceExists)
        #expect(plan.removeFromDatapath == ["p1"])
        inventory.stayed("p1")
        plan = inventory.plan(datapath: ["p1"], database: [], deviceExists: everyDeviceExists)
        #expect(plan.removeFromDatapath == ["p1"])
    }

    @Test func aPortGoneFromBothSidesIsSimplyGone() {
        var inventory = PortInventory()
        _ = inventory.plan(datapath: ["p0"], database: ["p0"], deviceExists: everyDeviceExists)
        let plan = inventory.plan(datapath: [], database: [], deviceExists: everyDeviceExists)
        #expect(plan == PortInventory.Plan())
    }

    @Test func theSwitchsPortsAreTheDatapathsDevicesButNotItsTunnelOrLocalPort() {
        let ports = [
            Vport(datapathIfindex: 9, portNumber: 0, type: .internal, name: "ovs-system"),
            Vport(datapathIfindex: 9, portNumber: 1, type: .netdev, name: "p0"),
            // The VXLAN port made over rtnetlink is a netdev too.
            Vport(datapathIfindex: 9, portNumber: 2, type: .netdev, name: "vxlan_sys_4789"),
            Vport(datapathIfindex: 9, portNumber: 3, type: .vxlan, name: "vxlan0"),
        ]
        #expect(ports.filter(\.isSwitchPort).map(\.name) == ["p0"])
    }
}
