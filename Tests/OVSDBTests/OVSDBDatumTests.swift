import Testing

@testable import OVSDB

/// Datums as RFC 7047 writes them, and update2's diffs.
@Suite struct OVSDBDatumTests {
    func decode<V: OVSDBColumnValue>(_ text: String, as: V.Type) throws -> V {
        try Array(text.utf8).withJSONReader { (r) throws(JSONError) in try V.decodeDatum(&r) }
    }

    static let a = "0a1b2c3d-0000-4000-8000-00000000000a"
    static let b = "0a1b2c3d-0000-4000-8000-00000000000b"

    @Test func uuidsParseAndPrint() throws {
        let uuid = try #require(OVSDBUUID(Self.a))
        #expect(uuid.description == Self.a)
        #expect(OVSDBUUID("not-a-uuid") == nil)
        #expect(try decode(#"["uuid","\#(Self.a)"]"#, as: OVSDBUUID.self) == uuid)
    }

    @Test func everyUUIDReadsBackAsItsValueInEitherCase() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let uuid = OVSDBUUID(UInt128(rng.next() as UInt64) << 64 | UInt128(rng.next() as UInt64))
            #expect(OVSDBUUID(uuid.description) == uuid)
            #expect(OVSDBUUID(uuid.description.uppercased()) == uuid)
        }
        #expect(OVSDBUUID("ffffffff-ffff-ffff-ffff-ffffffffffff")?.value == UInt128.max)
        #expect(OVSDBUUID("00000000-0000-0000-0000-000000000000")?.value == 0)
    }

    /// Every byte that is not a hex digit, at every digit's place: the
    /// neighbours of the digit ranges included ('/', ':', '@', 'G', '`', 'g').
    @Test func aUUIDWithAnyOtherByteInPlaceOfADigitIsRefused() {
        let valid = Array(Self.a.utf8)
        let hexDigits = Set("0123456789abcdefABCDEF".utf8)
        for place in 0..<36 where ![8, 13, 18, 23].contains(place) {
            for byte in UInt8(0)...UInt8(255) where !hexDigits.contains(byte) {
                var text = valid
                text[place] = byte
                let parsed = text.withUnsafeBytes { OVSDBUUID.parse($0) }
                #expect(parsed == nil, "byte \(byte) at \(place)")
            }
        }
    }

    @Test func atomsOptionalsSetsAndMaps() throws {
        #expect(try decode(#""br0""#, as: String.self) == "br0")
        #expect(try decode(#"["set",["br0"]]"#, as: String.self) == "br0")
        #expect(try decode("33", as: Int?.self) == 33)
        #expect(try decode(#"["set",[]]"#, as: Int?.self) == nil)
        #expect(try decode(#"["set",["a","b"]]"#, as: Set<String>.self) == ["a", "b"])
        #expect(try decode(#""a""#, as: Set<String>.self) == ["a"])
        #expect(try decode(#"["set",[["uuid","\#(Self.a)"],["uuid","\#(Self.b)"]]]"#, as: Set<OVSDBUUID>.self).count == 2)
        #expect(try decode(#"["uuid","\#(Self.a)"]"#, as: Set<OVSDBUUID>.self).count == 1)
        #expect(
            try decode(#"["map",[[0,["uuid","\#(Self.a)"]],[10,["uuid","\#(Self.b)"]]]]"#, as: [Int: OVSDBUUID].self)
                == [0: OVSDBUUID(Self.a)!, 10: OVSDBUUID(Self.b)!])
    }

    @Test func unexpectedTypesAreErrors() {
        #expect(throws: JSONError.self) { try decode("33", as: String.self) }
        #expect(throws: JSONError.self) { try decode(#"["set",[1,2]]"#, as: Int?.self) }
        #expect(throws: JSONError.self) { try decode(#"["uuid","xyz"]"#, as: OVSDBUUID.self) }
        #expect(throws: JSONError.self) { try decode(#"["set",[1]]"#, as: [Int: Int].self) }
    }

    @Test func diffsFollowOVSDBRules() {
        var set: Set<String> = ["a", "b"]
        set.applyDiff(["b", "c"])
        #expect(set == ["a", "c"])
        var map: [String: String] = ["k1": "v1", "k2": "v2"]
        map.applyDiff(["k1": "v1", "k2": "new", "k3": "v3"])
        #expect(map == ["k2": "new", "k3": "v3"])
        var optional: Int? = 5
        optional.applyDiff(nil)
        #expect(optional == nil)
    }

    @Test func datumsEncodeAsTheRFCSays() {
        #expect(Set(["b", "a"]).datumJSON.text == #"["set",["a","b"]]"#)
        #expect(Int?.none.datumJSON.text == #"["set",[]]"#)
        #expect(["k": "v"].datumJSON.text == #"["map",[["k","v"]]]"#)
        #expect(OVSDBUUID(Self.a)!.datumJSON.text == #"["uuid","\#(Self.a)"]"#)
    }

    @Test func remotesParseInOVSSyntax() throws {
        #expect(try OVSDBRemote(parsing: "unix:/run/db.sock") == .unix(path: "/run/db.sock"))
        #expect(try OVSDBRemote(parsing: "tcp:10.1.1.1:6641") == .tcp(host: "10.1.1.1", port: 6641))
        #expect(try OVSDBRemote(parsing: "ssl:[::1]:6640") == .ssl(host: "::1", port: 6640))
        #expect(try OVSDBRemote(parsing: "tcp:host") == .tcp(host: "host", port: 6640))
        for bad in ["udp:1.2.3.4:1", "tcp::80", "tcp:h:99999", "unix:", "ssl:[::1"] {
            #expect(throws: OVSDBError.self) { try OVSDBRemote(parsing: bad) }
        }
    }
}
