import Testing

@testable import OVSDB

/// The JSON-RPC envelope: ovsdb-server's own shapes (read by their first and
/// last bytes) and anything else a server may send (read in full) must give
/// the same message.
@Suite struct OVSDBMessageTests {
    func message(_ text: String) throws -> OVSDBMessage { try OVSDBMessage(bytes: Array(text.utf8)) }

    @Test func aNotificationReadsTheSameInEitherShape() throws {
        let params = #"["m","0000",{"Tunnel":{}}]"#
        for text in [
            #"{"id":null,"method":"update3","params":\#(params)}"#,
            #"{"method":"update3","params":\#(params),"id":null}"#,
            #"{ "id" : null , "method" : "update3" , "params" : \#(params) }"#,
        ] {
            let parsed = try message(text)
            #expect(parsed.kind == .notification)
            #expect(parsed.method == "update3")
            #expect(parsed.params.map(parsed.text(of:)) == params)
        }
    }

    @Test func aMemberAfterTheParamsOfTheFastShapeIsAnError() throws {
        // ovsdb-server never sends it; OVS's JSON-RPC rejects unknown members too.
        let parsed = try message(#"{"id":null,"method":"update2","params":["m",{}],"extra":[1]}"#)
        let params = try #require(parsed.params)
        #expect(throws: JSONError.self) {
            try parsed.read(params) { (reader) throws(JSONError) in try reader.skipValue() }
        }
    }

    @Test func aReplyAndARequestKeepTheirIDs() throws {
        let reply = try message(#"{"id":7,"result":[{"count":1}],"error":null}"#)
        #expect(reply.kind == .reply && reply.id == .number(7))
        let echo = try message(#"{"id":"echo","method":"echo","params":[]}"#)
        #expect(echo.kind == .request && echo.id == .string("echo") && echo.method == "echo")
    }
}
