import TestSupport
import Testing

@testable import OVSDatapathCore
@testable import VTEPCompiler
@testable import VTEPModel

/// The incremental compiler against the whole-state compiler: after every
/// step of a random walk through VTEP states, recompiling only the rows
/// that changed must give what compiling everything from nothing gives,
/// and the UFIDs it reports as changed must cover every flow that did.
@Suite struct IncrementalCompilerTests {
    typealias Seed = VTEPCompilerTests.Seed

    static let macs = (0..<12).map { String(format: "0a:00:00:00:00:%02x", $0) }
    static let ips = ["10.2.2.3", "10.2.2.4", "10.2.2.5"]

    struct Step {
        var seed: Seed
        var locals: [LocalMAC] = []
        var facts = MissFacts()
        var input: CompilerInput {
            CompilerInput(
                database: seed.db, switchName: "br0", portNumbers: ["p0": 1, "p1": 2], tunnelPort: 3, localMACs: locals,
                missFacts: facts)
        }
    }

    /// One random change: mostly remote rows (add, delete, move to another
    /// locator, duplicate, malformed), sometimes the frame or the context.
    static func mutate(_ step: inout Step, _ walk: inout SplitMix64) {
        let rows = step.seed.db.ucastMacsRemote.rows.keys.sorted()
        switch Int.random(in: 0..<100, using: &walk) {
        case 0..<35:
            step.seed.addUcastRemote(macs.randomElement(using: &walk)!, ips.randomElement(using: &walk)!)
        case 35..<55 where !rows.isEmpty:
            step.seed.db.ucastMacsRemote.set(rows.randomElement(using: &walk)!, nil)
        case 55..<65 where !rows.isEmpty:
            let id = rows.randomElement(using: &walk)!
            var row = step.seed.db.ucastMacsRemote[id]!
            row.locator = step.seed.locator(ips.randomElement(using: &walk)!)
            step.seed.db.ucastMacsRemote.set(id, row)
        case 65..<68:
            step.seed.addUcastRemote(["ff:ff:ff:ff:ff:ff", "not-a-mac"].randomElement(using: &walk)!, ips[0])
        case 68..<71:
            // A locator of another encapsulation: a fault on its rows.
            var locator = VTEPPhysicalLocator()
            locator.encapsulationType = "vxlan_over_ipv6"
            locator.dstIP = "fd00::1"
            let id = step.seed.uuid()
            step.seed.db.locators.set(id, locator)
            var row = VTEPUcastMac<VTEPRemote>()
            row.mac = macs.randomElement(using: &walk)!
            row.logicalSwitch = step.seed.ls0
            row.locator = id
            step.seed.db.ucastMacsRemote.set(step.seed.uuid(), row)
        case 71..<80:
            let local = LocalMAC(mac: EthernetAddress(macs.randomElement(using: &walk)!)!, port: "p0", vlan: 0)
            if let index = step.locals.firstIndex(of: local) { step.locals.remove(at: index) } else { step.locals.append(local) }
        case 80..<85:
            let unknown = UnknownDestination(
                vni: 33, port: Bool.random(using: &walk) ? "p0" : nil,
                mac: EthernetAddress(macs.randomElement(using: &walk)!)!)
            step.facts.unknownDestinations.insert(unknown)
        case 85..<90:
            // Bind or unbind a second logical switch (changes the context).
            if step.seed.db.physicalPorts[step.seed.p1]!.vlanBindings.isEmpty {
                let ls1 = step.seed.bind(step.seed.p1, vlan: 0, newSwitch: "ls\(rows.count)", vni: 40 + rows.count)
                step.seed.addUcastRemote(macs.randomElement(using: &walk)!, ips[1], in: ls1)
            } else {
                var port = step.seed.db.physicalPorts[step.seed.p1]!
                port.vlanBindings = [:]
                step.seed.db.physicalPorts.set(step.seed.p1, port)
            }
        case 90..<92:
            // A locator changed in place (the schema does not allow it, but a
            // flow must never keep a stale destination).
            if let (id, locator) = step.seed.db.locators.rows.randomElement(using: &walk) {
                var changed = locator
                changed.dstIP = ips.randomElement(using: &walk)!
                step.seed.db.locators.set(id, changed)
            }
        case 92..<95:
            var physicalSwitch = step.seed.db.physicalSwitches[step.seed.br0]!
            physicalSwitch.tunnelIPs = physicalSwitch.tunnelIPs == ["10.2.2.1"] ? ["10.2.2.9"] : ["10.2.2.1"]
            step.seed.db.physicalSwitches.set(step.seed.br0, physicalSwitch)
        default:
            var physicalSwitch = step.seed.db.physicalSwitches[step.seed.br0]!
            physicalSwitch.tunnelIPs = physicalSwitch.tunnelIPs.isEmpty ? ["10.2.2.1"] : []
            step.seed.db.physicalSwitches.set(step.seed.br0, physicalSwitch)
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func recompilingOnlyTheChangedRowsGivesTheWholeCompilersResult(walkSeed: UInt64) {
        var walk = SplitMix64(state: walkSeed)
        var step = Step(seed: Seed())
        var compiler = IncrementalCompiler()
        compiler.compile(step.input, changedRemoteRows: nil)
        for index in 0..<300 {
            let before = step.seed.db.ucastMacsRemote
            let flowsBefore = compiler.state.flows
            Self.mutate(&step, &walk)
            let after = step.seed.db.ucastMacsRemote
            let changedRows = Set(before.rows.keys).union(after.rows.keys).filter { before[$0] != after[$0] }

            let reported = compiler.compile(step.input, changedRemoteRows: changedRows)
            let whole = VTEPCompiler.compile(step.input)
            #expect(compiler.state.flows == whole.flows, "walk \(walkSeed), step \(index)")
            #expect(Set(compiler.state.problems) == Set(whole.problems), "walk \(walkSeed), step \(index)")
            #expect(compiler.state.switchFaults == whole.switchFaults && compiler.state.portFaults == whole.portFaults)
            #expect(compiler.state.liveFacts == whole.liveFacts)
            let actuallyChanged = Set(flowsBefore.keys).union(whole.flows.keys).filter { flowsBefore[$0] != whole.flows[$0] }
            #expect(
                actuallyChanged.isSubset(of: reported),
                "walk \(walkSeed), step \(index): unreported \(actuallyChanged.subtracting(reported))")
            guard compiler.state.flows == whole.flows else { return }
        }
    }

    /// A bulk change compiled in parts (`compileRemoteRows`, as a staged
    /// sync pass does) and then finished by `compile` with the rows left
    /// over must end where one `compile` of all of them ends, and the parts'
    /// reports together must cover every flow that changed. Each step here
    /// makes several changes at once, so there is something to split.
    @Test(arguments: [11, 12, 13, 14, 15, 16] as [UInt64])
    func compilingChangedRowsInPartsGivesTheWholeCompilersResult(walkSeed: UInt64) {
        var walk = SplitMix64(state: walkSeed)
        var step = Step(seed: Seed())
        var compiler = IncrementalCompiler()
        compiler.compile(step.input, changedRemoteRows: nil)
        var partsTaken = 0
        for index in 0..<200 {
            let before = step.seed.db.ucastMacsRemote
            let flowsBefore = compiler.state.flows
            for _ in 0..<Int.random(in: 1...6, using: &walk) { Self.mutate(&step, &walk) }
            let after = step.seed.db.ucastMacsRemote
            var rows = Set(before.rows.keys).union(after.rows.keys).filter { before[$0] != after[$0] }.sorted()

            var reported = Set<FlowUFID>()
            while rows.count > 1 {
                let part = rows.prefix(Int.random(in: 1..<rows.count, using: &walk))
                guard let changed = compiler.compileRemoteRows(part, of: step.input) else { break }
                reported.formUnion(changed)
                rows.removeFirst(part.count)
                partsTaken += 1
            }
            reported.formUnion(compiler.compile(step.input, changedRemoteRows: Set(rows)))
            let whole = VTEPCompiler.compile(step.input)
            #expect(compiler.state.flows == whole.flows, "walk \(walkSeed), step \(index)")
            #expect(Set(compiler.state.problems) == Set(whole.problems), "walk \(walkSeed), step \(index)")
            #expect(compiler.state.switchFaults == whole.switchFaults && compiler.state.portFaults == whole.portFaults)
            let actuallyChanged = Set(flowsBefore.keys).union(whole.flows.keys).filter { flowsBefore[$0] != whole.flows[$0] }
            #expect(
                actuallyChanged.isSubset(of: reported),
                "walk \(walkSeed), step \(index): unreported \(actuallyChanged.subtracting(reported))")
            guard compiler.state.flows == whole.flows else { return }
        }
        // How many parts a walk takes varies from run to run (48–118 seen:
        // when a row's context changes no part is taken, and that depends on
        // the order of a hashed set); the point is only that many are.
        #expect(partsTaken > 25, "the walk should split many steps (took \(partsTaken) parts)")
    }

    @Test func rowsAreNotCompiledInPartsWhenTheirContextChanged() {
        var seed = Seed()
        seed.addUcastRemote("0a:00:00:00:00:01", "10.2.2.3")
        var compiler = IncrementalCompiler()
        let input = { (seed: Seed) in CompilerInput(database: seed.db, switchName: "br0", portNumbers: ["p0": 1, "p1": 2], tunnelPort: 3) }
        #expect(compiler.compileRemoteRows([], of: input(seed)) == nil, "nothing compiled yet: no context to hold")
        compiler.compile(input(seed), changedRemoteRows: nil)
        let before = Set(seed.db.ucastMacsRemote.rows.keys)
        seed.addUcastRemote("0a:00:00:00:00:02", "10.2.2.3")
        let added = Set(seed.db.ucastMacsRemote.rows.keys).subtracting(before)
        var physicalSwitch = seed.db.physicalSwitches[seed.br0]!
        physicalSwitch.tunnelIPs = ["10.2.2.9"]
        seed.db.physicalSwitches.set(seed.br0, physicalSwitch)
        let flowsBefore = compiler.state.flows
        #expect(compiler.compileRemoteRows(added, of: input(seed)) == nil)
        #expect(compiler.state.flows == flowsBefore, "a refused part changes nothing")
        compiler.compile(input(seed), changedRemoteRows: added)
        #expect(compiler.state.flows == VTEPCompiler.compile(input(seed)).flows)
    }

    @Test func aSingleNewRowAmongManyIsOneChangedFlow() {
        var seed = Seed()
        for index in 0..<2000 { seed.addUcastRemote(String(format: "0a:00:00:00:%02x:%02x", index >> 8, index & 0xff), "10.2.2.3") }
        var compiler = IncrementalCompiler()
        let input = { (seed: Seed) in CompilerInput(database: seed.db, switchName: "br0", portNumbers: ["p0": 1, "p1": 2], tunnelPort: 3) }
        let first = compiler.compile(input(seed), changedRemoteRows: nil)
        #expect(first.count == compiler.state.flows.count)
        let before = Set(seed.db.ucastMacsRemote.rows.keys)
        seed.addUcastRemote("0a:00:00:00:ff:ff", "10.2.2.3")
        let added = Set(seed.db.ucastMacsRemote.rows.keys).subtracting(before)
        let changed = compiler.compile(input(seed), changedRemoteRows: added)
        #expect(changed == [FlowUFID(deriving: FlowIdentity.forward(vni: 33, destination: EthernetAddress("0a:00:00:00:ff:ff")!))])
        #expect(compiler.state.flows.count == first.count + 1)

        // One behind a new locator also admits VXLAN from it: two flows.
        let before2 = Set(seed.db.ucastMacsRemote.rows.keys)
        seed.addUcastRemote("0a:00:00:01:00:00", "10.2.2.4")
        let added2 = Set(seed.db.ucastMacsRemote.rows.keys).subtracting(before2)
        let admission = FlowUFID(
            deriving: FlowIdentity.tunnelAdmission(vni: 33, tunnelPort: 3, source: [10, 2, 2, 4], destination: [10, 2, 2, 1]))
        let changed2 = compiler.compile(input(seed), changedRemoteRows: added2)
        #expect(
            changed2 == [FlowUFID(deriving: FlowIdentity.forward(vni: 33, destination: EthernetAddress("0a:00:00:01:00:00")!)), admission])
        #expect(compiler.state.flows[admission] != nil)
        // And the last row behind it gone, the admission goes with it.
        for id in added2 { seed.db.ucastMacsRemote.set(id, nil) }
        let changed3 = compiler.compile(input(seed), changedRemoteRows: added2)
        #expect(changed3.contains(admission) && compiler.state.flows[admission] == nil)
        #expect(compiler.state.flows == VTEPCompiler.compile(input(seed)).flows)
    }
}
