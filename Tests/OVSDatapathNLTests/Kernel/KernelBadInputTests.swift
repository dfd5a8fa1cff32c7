import CNetlink
import Testing

@testable import OVSDatapathCore
@testable import OVSDatapathNL

/// Requests the kernel (or we) must refuse: each a typed error naming the
/// cause, and the same socket keeps working afterwards.
extension KernelSuites {
    @Suite struct KernelBadInputTests {
        let connection: DatapathConnection
        let datapath: Datapath

        init() throws {
            KernelRig.removeDatapath("kt-bad")
            connection = try DatapathConnection()
            datapath = try connection.createDatapath(name: "kt-bad")
        }

        /// The request after a failure succeeds on the same socket.
        func socketStillWorks(sourceLocation: SourceLocation = #_sourceLocation) throws {
            let again = try connection.datapath(named: "kt-bad")
            #expect(again.ifindex == datapath.ifindex, sourceLocation: sourceLocation)
        }

        @Test func sixteenCharacterDatapathName() throws {
            let error = try #require(throws: NetlinkError.self) { try connection.createDatapath(name: "0123456789abcdef") }
            guard case .invalidArgument(let why) = error.cause else { Issue.record("unexpected \(error)"); return }
            #expect(why.contains("16 bytes"))
            #expect(error.description.contains("0123456789abcdef"))
            try socketStillWorks()
        }

        @Test func vportForAMissingNetdev() throws {
            let error = try #require(throws: NetlinkError.self) {
                try connection.addVport(to: datapath, name: "kt-nosuch", spec: .netdev)
            }
            #expect(error.errno == ENODEV)
            #expect(error.operation == "add vport")
            #expect(error.description.contains("kt-nosuch"))
            try socketStillWorks()
        }

        @Test func duplicatePortNumber() throws {
            _ = try connection.addVport(to: datapath, name: "kt-dup-a", spec: .internal, portNumber: 3)
            let error = try #require(throws: NetlinkError.self) {
                try connection.addVport(to: datapath, name: "kt-dup-b", spec: .internal, portNumber: 3)
            }
            #expect(error.errno == EBUSY)
            #expect(error.description.contains("kt-dup-b"))
            try socketStillWorks()
            #expect(try connection.vports(of: datapath).map(\.name).contains("kt-dup-b") == false)
        }

        @Test func deletingADatapathThatDoesNotExist() throws {
            let error = try #require(throws: NetlinkError.self) { try connection.deleteDatapath(named: "kt-never") }
            #expect(error.errno == ENODEV)
            #expect(error.description.contains("kt-never"))
            try socketStillWorks()
        }

        @Test func aFamilyTheKernelLacks() throws {
            let error = try #require(throws: NetlinkError.self) {
                try GenericNetlinkFamily.resolve("ovs_no_such_fam", version: 1)
            }
            #expect(error.cause == .familyUnavailable(family: "ovs_no_such_fam"))
            // And a request sent on our socket to a family id nobody registered.
            let bogus = NetlinkRequest.generic(
                family: 0x7FF0, command: 1, version: 1, dpIfindex: 0,
                operation: "probe family", object: "0x7ff0")
            let kernelError = try #require(throws: NetlinkError.self) { try connection.socket.transact(bogus) }
            guard case .kernel = kernelError.cause else { Issue.record("unexpected \(kernelError)"); return }
            try socketStillWorks()
        }

        @Test func oneBadRequestInABatchDoesNotStopTheOthers() throws {
            var requests: [NetlinkRequest] = []
            for name in ["kt-b1", "kt-nosuch2", "kt-b3"] {
                var request = NetlinkRequest.generic(
                    family: connection.families.vport.id, command: UInt8(OVS_VPORT_CMD_NEW.rawValue),
                    version: connection.families.vport.version, dpIfindex: datapath.ifindex,
                    operation: "add vport", object: name)
                request.body.put(UInt16(OVS_VPORT_ATTR_NAME.rawValue), string: name)
                let type = name == "kt-nosuch2" ? OVS_VPORT_TYPE_NETDEV : OVS_VPORT_TYPE_INTERNAL
                request.body.put(UInt16(OVS_VPORT_ATTR_TYPE.rawValue), u32: type.rawValue)
                request.body.put(UInt16(OVS_VPORT_ATTR_UPCALL_PID.rawValue), u32Array: [0])
                requests.append(request)
            }
            let results = connection.socket.batch(requests)
            #expect(results.count == 3)
            if case .failure(let error) = results[1] {
                #expect(error.errno == ENODEV && error.object == "kt-nosuch2")
            } else {
                Issue.record("the bad request succeeded")
            }
            for index in [0, 2] {
                if case .failure(let error) = results[index] { Issue.record("good request failed: \(error)") }
            }
            let names = try connection.vports(of: datapath).map(\.name)
            #expect(names.contains("kt-b1") && names.contains("kt-b3") && !names.contains("kt-nosuch2"))
        }
    }
}
