import Foundation
import Testing

@testable import OVSDB
@testable import VTEPModel

/// A large table update is decoded on several cores (`OVSDBTable.apply`).
/// Whatever the split, the table, the changes and their order, and the
/// first error must be exactly those of decoding row by row.
@Suite struct OVSDBTableParallelDecodeTests {
    typealias Table = OVSDBTable<VTEPUcastMac<VTEPRemote>>
    static let ls = "0a1b2c3d-0000-4000-8000-00000000000a"
    static let locator = "0a1b2c3d-0000-4000-8000-00000000000b"

    static func uuid(_ i: Int) -> String { String(format: "%08x-0000-4000-8000-%012x", i, i * 7) }

    /// An update2 table object: `kind` for rows `range`, "MAC" from `mac(i)`.
    static func update(
        _ range: Range<Int>, kind: String = "insert", mac: (Int) -> String = { String(format: "0a:00:00:00:%02x:%02x", $0 >> 8, $0 & 0xff) }
    ) -> String {
        let rows = range.map { i -> String in
            switch kind {
            case "delete": return "\"\(uuid(i))\":{\"delete\":null}"
            case "modify": return "\"\(uuid(i))\":{\"modify\":{\"ipaddr\":\"10.0.\(i >> 8 & 0xff).\(i & 0xff)\"}}"
            default:
                return
                    "\"\(uuid(i))\":{\"\(kind)\":{\"MAC\":\"\(mac(i))\",\"logical_switch\":[\"uuid\",\"\(ls)\"],\"locator\":[\"uuid\",\"\(locator)\"],\"ipaddr\":\"\"}}"
            }
        }
        return "{" + rows.joined(separator: ",") + "}"
    }

    /// Applies `text` to `table` with the given threshold; returns the
    /// changes and the error's description, if any.
    static func apply(_ text: String, to table: inout Table, parallelFrom: Int, parts: Int) -> (
        changes: [RowChange<VTEPUcastMac<VTEPRemote>>], error: String?
    ) {
        var changes: [RowChange<VTEPUcastMac<VTEPRemote>>] = []
        let bytes = Array(text.utf8)
        let error: String? = bytes.withUnsafeBytes { raw in
            var reader = JSONReader(raw)
            do throws(JSONError) {
                try table.apply(
                    &reader, format: .update2, changes: &changes, decodingInParallelFrom: parallelFrom,
                    parts: parts, lookAheadBytes: 0
                ) { $0 }
                return nil
            } catch {
                return error.description
            }
        }
        return (changes, error)
    }

    static func bothWays(_ updates: [String], parts: Int = 2) -> [(
        serial: Table, parallel: Table, serialOut: [RowChange<VTEPUcastMac<VTEPRemote>>],
        parallelOut: [RowChange<VTEPUcastMac<VTEPRemote>>], serialError: String?, parallelError: String?
    )] {
        var serial = Table(), parallel = Table()
        return updates.map { text in
            let s = apply(text, to: &serial, parallelFrom: .max, parts: 1)
            let p = apply(text, to: &parallel, parallelFrom: 1, parts: parts)
            return (serial, parallel, s.changes, p.changes, s.error, p.error)
        }
    }

    @Test(arguments: [1, 2, 3, 5, 9_999], [2, 3, 4])
    func insertsModifiesAndDeletesMatchRowByRow(rows: Int, parts: Int) {
        let steps = Self.bothWays(
            [
                Self.update(0..<rows),
                Self.update(0..<rows / 2, kind: "modify"),
                Self.update(rows / 2..<rows, kind: "delete"),
            ], parts: parts)
        for (index, step) in steps.enumerated() {
            #expect(step.serialError == nil && step.parallelError == nil, "step \(index)")
            // Booleans, not the values: a mismatch of 10,000 rows would print them all.
            let sameTable = step.parallel == step.serial, sameChanges = step.parallelOut == step.serialOut
            #expect(sameTable, "step \(index)")
            #expect(sameChanges, "step \(index): the same changes in the same order")
        }
        #expect(steps[0].parallel.count == rows)
        #expect(steps[0].parallelOut.count == rows)
        #expect(steps[1].parallelOut.allSatisfy { if case .modify = $0 { true } else { false } })
        #expect(steps[2].parallel.count == rows / 2)
    }

    /// A bad row part-way: the rows before it are applied, the ones after
    /// it are not, and the error is the same — wherever the runs are cut.
    @Test(arguments: [0, 1, 3_333, 3_334, 4_999, 5_000, 5_001, 9_999])
    func aBadRowStopsAtTheSamePlace(bad: Int) {
        let badValue = Self.update(0..<10_000, mac: { $0 == bad ? "\u{1}" : String(format: "0a:00:00:00:%02x:%02x", $0 >> 8, $0 & 0xff) })
            .replacingOccurrences(of: "\u{1}\"", with: "\",\"locator\":[\"uuid\",\"not-a-uuid\"]")
        let badUUID = Self.update(0..<10_000).replacingOccurrences(of: "\"\(Self.uuid(bad))\"", with: "\"nope\"")
        for text in [badValue, badUUID] {
            for parts in [2, 3] {
                let step = Self.bothWays([text], parts: parts)[0]
                #expect(step.serialError != nil)
                #expect(step.parallelError == step.serialError)
                let sameTable = step.parallel == step.serial, sameChanges = step.parallelOut == step.serialOut
                #expect(sameTable)
                #expect(step.parallel.count == bad, "the rows before the bad one, and only those")
                #expect(sameChanges)
            }
        }
    }
}
