import Testing

@testable import VTEPCompiler

@Suite struct RecirculationIDTests {
    @Test("the design's example: VNI 33 recirculates as 0x1000021")
    func designExample() {
        #expect(RecirculationID.logicalSwitch(vni: 33)?.rawValue == 0x100_0021)
        #expect(RecirculationID.logicalSwitch(vni: 33)?.description == "0x1000021")
    }

    @Test(arguments: [UInt32(0), 1, 33, 4096, 0xFF_FFFF])
    func roundTripsAndIsNeverZero(vni: UInt32) throws {
        let id = try #require(RecirculationID.logicalSwitch(vni: vni))
        #expect(id.rawValue != 0)
        #expect(id.vni == vni)
    }

    @Test(arguments: [UInt32(0x100_0000), 0xFFFF_FFFF])
    func rejectsVNIsBeyond24Bits(vni: UInt32) {
        #expect(RecirculationID.logicalSwitch(vni: vni) == nil)
    }

    @Test func distinctSwitchesNeverShareAnID() {
        let ids = Set((0..<5000).compactMap { RecirculationID.logicalSwitch(vni: UInt32($0) * 3355) })
        #expect(ids.count == 5000)
    }

    @Test func foreignIDsHaveNoVNI() {
        #expect(RecirculationID(rawValue: 0).vni == nil && RecirculationID(rawValue: 0).tunnelVNI == nil)
        #expect(RecirculationID(rawValue: 0x400_0021).vni == nil && RecirculationID(rawValue: 0x400_0021).tunnelVNI == nil)
    }

    @Test(arguments: [UInt32(0), 33, 0xFF_FFFF])
    func aSwitchsTunnelIDIsNeitherItsOwnNorAnotherSwitchs(vni: UInt32) throws {
        let tunnel = try #require(RecirculationID.tunnel(vni: vni))
        #expect(tunnel.tunnelVNI == vni && tunnel.vni == nil)
        #expect(RecirculationID.logicalSwitch(vni: vni)?.tunnelVNI == nil)
        #expect(RecirculationID.tunnel(vni: 33)?.description == "0x2000021")
        #expect(RecirculationID.tunnel(vni: 0x100_0000) == nil)
    }
}
