import Testing

@testable import OVSDB

/// Framing undelimited JSON-RPC: messages split anywhere, strings holding
/// brackets and escapes, and input that can never be a message.
@Suite struct JSONFramerTests {
    /// Feeds `text` in pieces of `step` bytes and returns the messages found.
    func frames(_ text: String, step: Int, limit: Int = 1 << 20) throws -> [String] {
        var framer = JSONFramer(maxMessageBytes: limit)
        var pending: [UInt8] = []
        var messages: [String] = []
        var input = Array(text.utf8)[...]
        while !input.isEmpty {
            pending += input.prefix(step)
            input = input.dropFirst(step)
            while let length = try pending.withUnsafeBytes({ try framer.nextMessageLength(in: $0) }) {
                messages.append(String(decoding: pending[..<length], as: UTF8.self).trimmingWhitespace)
                pending.removeFirst(length)
            }
        }
        return messages
    }

    static let stream =
        #"{"id":1,"result":{"a":"}{]["}}  {"method":"echo","params":["\"}"],"id":"echo"}"# + "\n" + #"{"x":[1,[2,{"y":"\\"}]]}"#

    @Test(arguments: [1, 2, 3, 7, 64, 4096])
    func messagesAreFoundWhateverTheReadSize(step: Int) throws {
        #expect(
            try frames(Self.stream, step: step) == [
                #"{"id":1,"result":{"a":"}{]["}}"#,
                #"{"method":"echo","params":["\"}"],"id":"echo"}"#,
                #"{"x":[1,[2,{"y":"\\"}]]}"#,
            ])
    }

    /// The string scan jumps eight bytes at a time: an escaped quote or
    /// backslash, or the closing quote, at every offset from a word's
    /// start, and split at every read size, must still be found.
    @Test(arguments: [1, 3, 8, 13, 4096])
    func stringEndsAndEscapesAreFoundAtEveryOffset(step: Int) throws {
        for length in 0..<24 {
            for place in 0...length {
                for escape in [#"\""#, #"\\"#, #"\u0022"#] {
                    var body = String(repeating: "x", count: length)
                    body.insert(contentsOf: escape, at: body.index(body.startIndex, offsetBy: place))
                    let message = #"{"s":""# + body + #"","t":["]"]}"#
                    #expect(try frames(message + " " + message, step: step) == [message, message], "\(message)")
                }
            }
        }
    }

    @Test func aPartialMessageWaitsForMore() throws {
        #expect(try frames(#"{"id":1,"result":"#, step: 5).isEmpty)
    }

    @Test(arguments: ["]", "x{}", "\"s\"", "1", "{}}"])
    func bytesThatCannotBeAMessageAreRejected(text: String) {
        #expect(throws: JSONFramer.Failure.self) { _ = try frames(text, step: 1) }
    }

    @Test func aMessageOverTheLimitIsRejectedBeforeItEnds() {
        let huge = "{\"a\":\"" + String(repeating: "x", count: 5000)
        #expect(throws: JSONFramer.Failure.tooLarge(limit: 1000)) { _ = try frames(huge, step: 100, limit: 1000) }
    }
}

extension String {
    var trimmingWhitespace: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
