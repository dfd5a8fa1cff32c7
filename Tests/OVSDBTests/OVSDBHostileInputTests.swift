import Testing

@testable import OVSDB
@testable import VTEPModel

/// What a peer on a plaintext link could send to crash or balloon the
/// decoder: each is a typed `JSONError`, and the replica is left as it was.
@Suite struct OVSDBHostileInputTests {
    /// A million `[` (and `{`) used to overflow the event loop's stack in
    /// the recursive skip; now the reader stops at its nesting bound.
    @Test(arguments: ["[", "{\"a\":"])
    func deepNestingIsAnErrorNotACrash(opening: String) {
        let text = String(repeating: opening, count: 1_000_000)
        let bytes = Array(text.utf8)
        #expect(throws: JSONError.self) {
            try bytes.withJSONReader { (reader) throws(JSONError) in try reader.skipValue() }
        }
        do {
            try bytes.withJSONReader { (reader) throws(JSONError) in try reader.skipValue() }
        } catch {
            #expect(error.reason.contains("nesting deeper than \(JSONReader.maximumNesting) levels"), "\(error)")
        }
    }

    /// Nesting up to the bound still reads: real messages are far shallower.
    @Test func nestingUpToTheBoundReads() throws {
        let depth = JSONReader.maximumNesting
        let bytes = Array((String(repeating: "[", count: depth) + String(repeating: "]", count: depth)).utf8)
        try bytes.withJSONReader { (reader) throws(JSONError) in
            try reader.skipValue()
            try reader.expectEnd()
        }
        let deeper = Array((String(repeating: "[", count: depth + 1) + String(repeating: "]", count: depth + 1)).utf8)
        #expect(throws: JSONError.self) { try deeper.withJSONReader { (reader) throws(JSONError) in try reader.skipValue() } }
    }

    /// An update notification nested a million deep in a table the replica
    /// does not know (so it is skipped, the path that recursed), through the
    /// message path the client uses: an error, and the replica is untouched.
    @Test func aDeeplyNestedUpdateLeavesTheReplicaAsItWas() throws {
        var replica = VTEPDatabase()
        let nested = String(repeating: "[", count: 1_000_000) + String(repeating: "]", count: 1_000_000)
        let text = #"{"id":null,"method":"update","params":[null,{"Nope":"# + nested + "}]}"
        let message = try #require(try? OVSDBMessage(bytes: Array(text.utf8)))
        var changes: [VTEPChange] = []
        #expect(throws: JSONError.self) { _ = try replica.applyUpdateNotification(message, changes: &changes) }
        #expect(replica == VTEPDatabase())
    }

    /// `{"Ucast_Macs_Remote":{"x",,,,…}}`: the look-ahead counted commas
    /// and reserved a row for each — gigabytes for a large message. Now it
    /// counts members by their colons, at most one per 41 bytes (the size of
    /// the smallest row update), and the update itself is refused.
    @Test func aCommaBombReservesNothingAndIsRefused() {
        let commas = String(repeating: ",", count: 2_000_000)
        let table = #"{"x""# + commas + "}"
        let bytes = Array(table.utf8)
        let counted = try? bytes.withJSONReader { (reader) throws(JSONError) in
            reader.countObjectMembers(ifLongerThan: 0, minimumMemberBytes: OVSDBTable<VTEPUcastMac<VTEPRemote>>.minimumRowUpdateBytes)
        }
        #expect(counted == 0)
        var replica = VTEPDatabase()
        var changes: [VTEPChange] = []
        let update = Array((#"{"Ucast_Macs_Remote":"# + table + "}").utf8)
        #expect(throws: JSONError.self) {
            try update.withJSONReader { (reader) throws(JSONError) in try replica.apply(&reader, format: .update2, changes: &changes) }
        }
        #expect(replica.ucastMacsRemote.isEmpty && changes.isEmpty)
    }

    /// Many tiny members (`"a":1,` six bytes each) are counted no higher
    /// than the bytes allow a real row update.
    @Test func tinyMembersAreBoundedByTheSmallestRowUpdate() throws {
        let members = 100_000
        let text = "{" + Array(repeating: #""a":1"#, count: members).joined(separator: ",") + "}"
        let bytes = Array(text.utf8)
        let minimum = OVSDBTable<VTEPUcastMac<VTEPRemote>>.minimumRowUpdateBytes
        let counted = try bytes.withJSONReader { (reader) throws(JSONError) in
            reader.countObjectMembers(ifLongerThan: 0, minimumMemberBytes: minimum)
        }
        #expect(counted == bytes.count / minimum)
        #expect((counted ?? .max) < members)
    }
}
