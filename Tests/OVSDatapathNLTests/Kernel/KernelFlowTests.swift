import Glibc
import TestSupport
import Testing

@testable import OVSDatapathCore
@testable import OVSDatapathNL

/// Flows against the real module, with `ovs-dpctl dump-flows` as the
/// independent reader of what we install and `ovs-dpctl add-flow` as an
/// independent writer.
extension KernelSuites {
    @Suite struct KernelFlowTests {
        let connection: DatapathConnection
        let datapath: Datapath
        static let name = "kt-flows"

        init() throws {
            KernelRig.removeDatapath(Self.name)
            _ = try KernelRig.sh("ip link del vxlan_sys_4789")
            try KernelRig.makeVeth("kt-f1")
            try KernelRig.makeVeth("kt-f2")
            connection = try DatapathConnection()
            datapath = try connection.createDatapath(name: Self.name)
            try connection.addVport(to: datapath, name: "kt-f1", spec: .netdev, portNumber: 1)
            try connection.addVport(to: datapath, name: "kt-f2", spec: .netdev, portNumber: 2)
            try connection.addVXLANPort(to: datapath, portNumber: 3)
        }

        /// `ovs-dpctl dump-flows` lines, sorted.
        func dpctlFlows() throws -> [String] {
            try KernelRig.must("ovs-dpctl dump-flows \(Self.name)")
                .split(separator: "\n").map(String.init).filter { $0.contains("actions:") }.sorted()
        }

        func ourFlows() throws -> [String] {
            try connection.flows(in: datapath).map { FlowFormatter.format($0) }.sorted()
        }

        @Test("a corpus of flow shapes installed through our API prints identically in ovs-dpctl and in our printer")
        func corpusThroughOurAPI() throws {
            #expect(FlowCorpus.throughOurAPI.count >= 40)
            var operations: [FlowOperation] = []
            for (match, actions) in FlowCorpus.throughOurAPI {
                let parsed = try FlowParser.parseMatch(match)
                let flow = Flow(
                    key: parsed.key, mask: parsed.mask, actions: try FlowParser.parseActions(actions),
                    ufid: FlowUFID(deriving: match))
                operations.append(.put(flow, .create))
            }
            let results = connection.execute(operations, in: datapath)
            for (index, result) in results.enumerated() {
                if case .failure(let error) = result {
                    Issue.record("corpus entry \(index) (\(FlowCorpus.throughOurAPI[index].match)) was refused: \(error)")
                }
            }
            let ours = try ourFlows()
            let theirs = try dpctlFlows()
            #expect(ours.count == FlowCorpus.throughOurAPI.count)
            #expect(ours == theirs)
            for (a, b) in zip(ours, theirs) where a != b {
                Issue.record("ours:   \(a)\novs-dpctl: \(b)")
            }
            // Every dumped flow carries the UFID we derived.
            let ufids = Set(try connection.flows(in: datapath, omit: .allButStats).compactMap(\.ufid))
            #expect(ufids == Set(FlowCorpus.throughOurAPI.map { FlowUFID(deriving: $0.match) }))
            // What we print parses back to the same flow.
            for flow in try connection.flows(in: datapath) {
                let text = FlowFormatter.format(flow)
                let reparsed = try FlowParser.parseFlow(text)
                #expect(FlowFormatter.formatActions(reparsed.actions) == FlowFormatter.formatActions(flow.actions), "\(text)")
            }
            try connection.flushFlows(in: datapath)
            #expect(try connection.flows(in: datapath).isEmpty)
        }

        @Test("flows written by ovs-dpctl add-flow decode and print identically through our API")
        func corpusThroughOvsDpctl() throws {
            for (match, actions) in FlowCorpus.throughOvsDpctl {
                try KernelRig.must("ovs-dpctl add-flow \(Self.name) '\(match)' '\(actions)'")
            }
            let ours = try ourFlows()
            let theirs = try dpctlFlows()
            #expect(ours.count == FlowCorpus.throughOvsDpctl.count)
            #expect(ours == theirs)
            for (a, b) in zip(ours, theirs) where a != b {
                Issue.record("ours:   \(a)\novs-dpctl: \(b)")
            }
            try KernelRig.must("ovs-dpctl del-flows \(Self.name)")
            #expect(try connection.flows(in: datapath).isEmpty)
        }

        @Test("put, modify, get, clear and delete by UFID; create refuses a duplicate")
        func lifecycle() throws {
            let parsed = try FlowParser.parseMatch("recirc_id(0x1000021),eth(dst=aa:00:00:00:00:01)")
            let ufid = FlowUFID(deriving: "binding ls0 aa:00:00:00:00:01")
            var flow = Flow(key: parsed.key, mask: parsed.mask, actions: [.output(port: 1)], ufid: ufid)
            try connection.putFlow(flow, in: datapath)
            let duplicate = try #require(throws: NetlinkError.self) { try connection.putFlow(flow, in: datapath, mode: .create) }
            #expect(duplicate.errno == EEXIST)
            flow.actions = [.output(port: 2)]
            try connection.putFlow(flow, in: datapath, mode: .modify)
            #expect(try connection.flow(.ufid(ufid), in: datapath).actions == [.output(port: 2)])
            flow.actions = [.output(port: 1), .output(port: 2)]
            try connection.putFlow(flow, in: datapath, mode: .createOrModify)
            let fetched = try connection.flow(.ufid(ufid), in: datapath)
            #expect(fetched.actions == [.output(port: 1), .output(port: 2)])
            #expect(fetched.ufid == ufid)
            let slim = try connection.flow(.ufid(ufid), in: datapath, omit: .allButStats)
            #expect(slim.key.isEmpty && slim.actions.isEmpty && slim.mask == nil)
            for result in connection.execute([.clearStats(.ufid(ufid))], in: datapath) { _ = try result.get() }
            try connection.deleteFlow(.ufid(ufid), in: datapath)
            let gone = try #require(throws: NetlinkError.self) { try connection.flow(.ufid(ufid), in: datapath) }
            #expect(gone.errno == ENOENT)
            // A flow without a UFID is found by its key.
            let keyed = Flow(key: parsed.key, mask: parsed.mask, actions: [.output(port: 1)])
            try connection.putFlow(keyed, in: datapath)
            #expect(try connection.flow(.key(parsed.key), in: datapath).actions == [.output(port: 1)])
            try connection.deleteFlow(.key(parsed.key), in: datapath)
            #expect(try connection.flows(in: datapath).isEmpty)
        }

        @Test("a port-matching dump yields exactly the flows whose in_port is matched, decoded as a full dump decodes them")
        func portMatchingDump() throws {
            let shapes = [
                ("recirc_id(0),in_port(1),eth(src=02:00:00:00:00:01)", [FlowAction.recirculate(id: 0x1000021)]),
                ("recirc_id(0x1000021),in_port(2),eth(dst=aa:00:00:00:00:02)", [.output(port: 1)]),
                ("recirc_id(0x1000021),eth(dst=aa:00:00:00:00:01)", [.output(port: 2)]),
                ("recirc_id(0),eth(src=02:00:00:00:00:09)", []),
            ]
            for (match, actions) in shapes {
                let parsed = try FlowParser.parseMatch(match)
                try connection.putFlow(
                    Flow(key: parsed.key, mask: parsed.mask, actions: actions, ufid: FlowUFID(deriving: match)), in: datapath)
            }
            var matched: [Flow] = []
            try connection.portMatchingFlows(in: datapath) { matched.append($0) }
            let expected = try connection.flows(in: datapath).filter { flow in
                [FlowUFID(deriving: shapes[0].0), FlowUFID(deriving: shapes[1].0)].contains(flow.ufid)
            }
            #expect(matched.count == 2)
            #expect(Set(matched) == Set(expected))
            try connection.flushFlows(in: datapath)
        }

        @Test("bad flows fail with typed errors naming the operation, and the rest of the batch lands")
        func badFlowsInABatch() throws {
            func flow(_ match: String, _ actions: [FlowAction]) throws -> Flow {
                let parsed = try FlowParser.parseMatch(match)
                return Flow(key: parsed.key, mask: parsed.mask, actions: actions, ufid: FlowUFID(deriving: match))
            }
            let good1 = try flow("recirc_id(0x40),eth(dst=aa:00:00:00:00:40)", [.output(port: 1)])
            let noIPv4 = try flow("recirc_id(0x41),eth(),eth_type(0x0800)", [.output(port: 1)])
            let untaggedTCI = try flow("recirc_id(0x42),eth(),eth_type(0x8100),vlan(vid=10,cfi=0),encap()", [.output(port: 1)])
            let missingPort = try flow("recirc_id(0x43),eth()", [.output(port: 70_000)])
            let hugeActions = try flow("recirc_id(0x44),eth()", (0..<9000).map { _ in FlowAction.output(port: 1) })
            let good2 = try flow("recirc_id(0x45),eth(dst=aa:00:00:00:00:45)", [.output(port: 2)])
            let results = connection.execute(
                [good1, noIPv4, untaggedTCI, missingPort, hugeActions, good2].map { .put($0, .create) }, in: datapath)

            func error(_ index: Int) -> NetlinkError? {
                if case .failure(let error) = results[index] { return error }
                return nil
            }
            #expect(error(0) == nil && error(5) == nil)
            #expect(error(1)?.errno == EINVAL && error(1)?.operation == "create flow")
            #expect(error(1)?.description.contains("eth_type(0x0800)") == true)
            #expect(error(2)?.errno == EINVAL)
            #expect(error(3)?.errno == EINVAL)
            if case .invalidArgument(let why)? = error(4)?.cause {
                #expect(why.contains("64 KiB"))
            } else {
                Issue.record("oversized actions: \(String(describing: error(4)))")
            }
            // Large but legal for netlink: the kernel decides (6.1 caps actions at 32 KiB).
            let bigActions = try flow("recirc_id(0x46),eth()", (0..<5000).map { _ in FlowAction.output(port: 1) })
            let big = connection.execute([.put(bigActions, .create)], in: datapath)[0]
            if case .failure(let bigError) = big { #expect(bigError.errno == EMSGSIZE || bigError.errno == EINVAL) }
            let installed = Set(try connection.flows(in: datapath).compactMap(\.ufid))
            #expect(installed.contains(good1.ufid!) && installed.contains(good2.ufid!))
            #expect(!installed.contains(noIPv4.ufid!))
            try connection.flushFlows(in: datapath)
        }
    }
}
