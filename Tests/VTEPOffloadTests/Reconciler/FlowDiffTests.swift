import OVSDatapathNL
import Testing

@testable import OVSDatapathCore
@testable import VTEPCompiler
@testable import VTEPOffload

/// What the reconciler would send, without a kernel: the whole diff and
/// the diff restricted to the UFIDs an incremental compile reports.
@Suite struct FlowDiffTests {
    static func compiled(_ identity: String, output port: UInt32) -> (FlowUFID, CompiledFlow) {
        let ufid = FlowUFID(deriving: identity)
        return (ufid, CompiledFlow(identity: identity, flow: Flow(key: [], actions: [.output(port: port)], ufid: ufid)))
    }

    static func installed(_ flows: [(FlowUFID, CompiledFlow)]) -> [FlowUFID: Flow] {
        Dictionary(uniqueKeysWithValues: flows.map { ($0, $1.flow) })
    }

    let same = compiled("same", output: 1), changed = compiled("changed", output: 2), new = compiled("new", output: 3)
    let gone = compiled("gone", output: 4), untouched = compiled("stale but not reported", output: 5)

    @Test func theWholeDiffAddsModifiesAndDeletes() {
        let before = Self.installed([same, (changed.0, Self.compiled("changed", output: 9).1), gone])
        let desired = Dictionary(uniqueKeysWithValues: [same, changed, new])
        let diff = FlowDiff(desired: desired, installed: before)
        #expect(diff.additions.map(\.ufid) == [new.0])
        #expect(diff.modifications.map(\.ufid) == [changed.0])
        #expect(diff.deletions == [gone.0])
        guard case .delete = diff.operations.first else { Issue.record("deletions must come first"); return }
    }

    @Test func aRestrictedDiffLooksAtTheReportedFlowsOnly() {
        let before = Self.installed([same, (changed.0, Self.compiled("changed", output: 9).1), gone, untouched])
        let desired = Dictionary(uniqueKeysWithValues: [same, changed, new])
        let diff = FlowDiff(desired: desired, installed: before, only: [changed.0, new.0, gone.0, same.0])
        #expect(diff.additions.map(\.ufid) == [new.0])
        #expect(diff.modifications.map(\.ufid) == [changed.0])
        #expect(diff.deletions == [gone.0])
        // Not reported, so not looked at: the whole diff would delete it.
        #expect(FlowDiff(desired: desired, installed: before).deletions.contains(untouched.0))
        #expect(FlowDiff(desired: desired, installed: before, only: []).isEmpty)
    }
}
