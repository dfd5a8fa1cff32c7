import Testing

@testable import VTEPOffload

/// A burst of upcalls is told in a few log lines, and the count stays exact.
@Suite struct UpcallBatchLogTests {
    @Test func theFirstFewAreToldAndEveryOneIsCounted() {
        var log = UpcallBatchLog(detailed: 3)
        let told = (0..<10).map { log.note($0 == 4 ? .moved : .added) }
        #expect(told == [true, true, true] + Array(repeating: false, count: 7))
        #expect(log.total == 10 && log.told == 3 && log.untold == 7)
        #expect(log.summary == "9 added, 1 moved")
    }

    @Test func kindsTheLogDoesNotShowTakeNothingFromTheBudget() {
        var log = UpcallBatchLog(detailed: 2)
        let hidden = (0..<5).map { _ in log.note(.unchanged, shown: false) }
        let shown = [log.note(.added), log.note(.refused), log.note(.added)]
        #expect(hidden.allSatisfy { !$0 })
        #expect(shown == [true, true, false])
        #expect(log.told == 2 && log.untold == 1 && log.total == 8)
        #expect(log.summary == "2 added, 5 unchanged, 1 refused")
    }

    @Test func aSmallBatchIsToldWholeAndNeedsNoSummary() {
        var log = UpcallBatchLog()
        let told = (0..<20).map { _ in log.note(.added) }
        #expect(told.allSatisfy { $0 })
        #expect(log.untold == 0)
    }
}
