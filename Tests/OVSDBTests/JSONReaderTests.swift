import Testing

@testable import OVSDB

@Suite struct JSONReaderTests {
    func read<T>(_ text: String, _ body: (inout JSONReader) throws(JSONError) -> T) throws(JSONError) -> T {
        try Array(text.utf8).withJSONReader { (reader) throws(JSONError) -> T in
            let value = try body(&reader)
            try reader.expectEnd()
            return value
        }
    }

    @Test func scalarsAndStrings() throws {
        #expect(try read(" -42 ") { (r) throws(JSONError) in try r.readInteger() } == -42)
        #expect(try read("1.5e2") { (r) throws(JSONError) in try r.readDouble() } == 150)
        #expect(try read("true") { (r) throws(JSONError) in try r.readBool() })
        #expect(try read(#""a\"b\\c\n\u00e9\ud83d\ude00""#) { (r) throws(JSONError) in try r.readString() } == "a\"b\\c\né😀")
        #expect(try read(#""plain é""#) { (r) throws(JSONError) in try r.readString() } == "plain é")
    }

    @Test func objectsAndArraysAreWalkedInOrder() throws {
        var seen: [String] = []
        try read(#"{"a":[1,2],"b":{"c":null},"d":"x"}"#) { (r) throws(JSONError) in
            try r.readObject { (r, name) throws(JSONError) in
                seen.append(name)
                if name == "a" {
                    try r.readArray { (r) throws(JSONError) in seen.append(String(try r.readInteger())) }
                } else {
                    try r.skipValue()
                }
            }
        }
        #expect(seen == ["a", "1", "2", "b", "d"])
    }

    @Test(arguments: [
        (#" {}"#, 0), (#"{"a":1}"#, 1), (#"{ "a" : {"b":[1,{"c":2}]} , "c,}" : "x,}\",{" }"#, 2),
        (#"{"u1":{"insert":{}},"u2":{"delete":null},"u3":{"modify":{"m":["set",[1,2]]}}}"#, 3),
    ])
    func objectMembersAreCountedWithoutMovingTheReader(text: String, members: Int) throws {
        let counted = try read(text) { (r) throws(JSONError) -> Int? in
            let count = r.countObjectMembers(ifLongerThan: 0)
            try r.skipValue()  // still at the start: the whole object is there to skip
            return count
        }
        #expect(counted == members)
    }

    @Test func smallObjectsAndOtherValuesAreNotCounted() throws {
        #expect(
            try read(#"{"a":1,"b":2}"#) { (r) throws(JSONError) -> Int? in
                defer { try? r.skipValue() }
                return r.countObjectMembers(ifLongerThan: 13)
            } == nil)
        #expect(
            try read(#"[{"a":1},{"b":2}]"#) { (r) throws(JSONError) -> Int? in
                defer { try? r.skipValue() }
                return r.countObjectMembers(ifLongerThan: 0)
            } == nil)
    }

    @Test(arguments: [
        "{\"a\":1", "[1,]", "01", "1.", "\"abc", "{\"a\" 1}", "tru", "\"\\x\"", "\"\\ud800\"", "-",
    ])
    func malformedInputIsAnErrorWithAnOffset(text: String) {
        #expect(throws: JSONError.self) {
            try read(text) { (r) throws(JSONError) in try r.skipValue() }
        }
    }

    @Test func invalidUTF8InAStringIsRejected() {
        let bytes: [UInt8] = [0x22, 0x61, 0xff, 0xfe, 0x22]
        #expect(throws: JSONError.self) {
            try bytes.withJSONReader { (r) throws(JSONError) in _ = try r.readString() }
        }
    }

    @Test func integersThatOverflowAreRejected() {
        #expect(throws: JSONError.self) { try read("99999999999999999999") { (r) throws(JSONError) in try r.readInteger() } }
    }

    @Test func writtenJSONReadsBack() throws {
        let value: JSONValue = ["s": "q\"\\\n\u{1}", "n": [1, -2, true, nil]]
        let text = value.text
        #expect(text == #"{"s":"q\"\\\n\u0001","n":[1,-2,true,null]}"#)
        let s = try read(text) { (r) throws(JSONError) -> String in
            var s = ""
            try r.readObject { (r, name) throws(JSONError) in if name == "s" { s = try r.readString() } else { try r.skipValue() } }
            return s
        }
        #expect(s == "q\"\\\n\u{1}")
    }
}
