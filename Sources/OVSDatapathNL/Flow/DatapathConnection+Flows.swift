import CNetlink
import Dispatch

/// How a put treats an existing flow with the same match (or UFID).
public enum FlowPutMode: Sendable {
    /// Fail with EEXIST if the flow exists (`NLM_F_CREATE`).
    case create
    /// Insert, or replace the actions of the existing flow, keeping its stats.
    case createOrModify
    /// Replace the actions of an existing flow; ENOENT if there is none.
    case modify
}

/// Parts a dump or get may leave out to stay small (`OVS_UFID_F_OMIT_*`).
public struct FlowOmissions: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let key = FlowOmissions(rawValue: UInt32(OVS_UFID_F_OMIT_KEY))
    public static let mask = FlowOmissions(rawValue: UInt32(OVS_UFID_F_OMIT_MASK))
    public static let actions = FlowOmissions(rawValue: UInt32(OVS_UFID_F_OMIT_ACTIONS))
    /// What statistics polling needs: UFID, stats and used only.
    public static let allButStats: FlowOmissions = [.key, .mask, .actions]
}

/// Which flow an operation addresses. Flows installed with a UFID can only
/// be found by it; flows without one only by their key.
public enum FlowSelector: Sendable, Hashable {
    case ufid(FlowUFID)
    case key([FlowKeyAttribute])
}

/// One step of a flow batch.
public enum FlowOperation: Sendable {
    case put(Flow, FlowPutMode)
    case delete(FlowSelector)
    case get(FlowSelector, omit: FlowOmissions)
    /// Zero the flow's stats, used time and TCP flags.
    case clearStats(FlowSelector)
}

extension DatapathConnection {
    // MARK: Single operations

    /// Installs (or modifies) one flow.
    public func putFlow(_ flow: Flow, in datapath: Datapath, mode: FlowPutMode = .create) throws(NetlinkError) {
        if case .failure(let error) = execute([.put(flow, mode)], in: datapath)[0] { throw error }
    }

    public func deleteFlow(_ selector: FlowSelector, in datapath: Datapath) throws(NetlinkError) {
        try socket.transact(flowRequest(.delete(selector), datapath: datapath))
    }

    /// Removes every flow of the datapath (DEL with neither key nor UFID).
    public func flushFlows(in datapath: Datapath) throws(NetlinkError) {
        let request = self.request(families.flow, cmd(OVS_FLOW_CMD_DEL), dpIfindex: datapath.ifindex,
                                   operation: "flush flows", object: datapath.name)
        try socket.transact(request)
    }

    public func flow(_ selector: FlowSelector, in datapath: Datapath, omit: FlowOmissions = []) throws(NetlinkError) -> Flow {
        let request = flowRequest(.get(selector, omit: omit), datapath: datapath)
        return try single(try socket.transact(request), operation: request.operation, object: request.object, Flow.decode)
    }

    /// Every flow of the datapath, streamed to `body` part by part.
    public func dumpFlows(in datapath: Datapath, omit: FlowOmissions = [], _ body: (Flow) throws(NetlinkError) -> Void) throws(NetlinkError) {
        var request = Self.request(families.flow, cmd(OVS_FLOW_CMD_GET), dpIfindex: datapath.ifindex,
                                   operation: "dump flows", object: datapath.name)
        if !omit.isEmpty { request.body.put(attr(OVS_FLOW_ATTR_UFID_FLAGS), u32: omit.rawValue) }
        try socket.dump(request) { (message) throws(NetlinkError) in
            try body(try decode(message, operation: "dump flows", object: datapath.name, Flow.decode))
        }
    }

    public func flows(in datapath: Datapath, omit: FlowOmissions = []) throws(NetlinkError) -> [Flow] {
        var result: [Flow] = []
        try dumpFlows(in: datapath, omit: omit) { result.append($0) }
        return result
    }

    // MARK: Batches

    /// Runs many flow operations, packed many to a `sendmsg` and without
    /// acks; each result is the flow a `get` returned, nil for the others,
    /// or the error the kernel gave that operation. One failure never stops
    /// the rest.
    ///
    /// A `.createOrModify` put of an existing UFID flow whose key leaves
    /// fields out (an L2-only flow, say) is refused by the kernel's NEW with
    /// ENOENT: it compares the request's unmasked key, where the kernel
    /// filled in defaults, against the stored masked one. Such puts are
    /// retried as a modify (SET by UFID), which is what was asked for.
    public func execute(_ operations: [FlowOperation], in datapath: Datapath) -> [Result<Flow?, NetlinkError>] {
        var results = executeOnce(operations, in: datapath)
        let retry = operations.indices.filter { index in
            guard case .put(let flow, .createOrModify) = operations[index], flow.ufid != nil,
                  case .failure(let error) = results[index], error.errno == ENOENT else { return false }
            return true
        }
        if !retry.isEmpty {
            let modifies: [FlowOperation] = retry.map { index in
                guard case .put(let flow, _) = operations[index] else { return operations[index] }
                return .put(flow, .modify)
            }
            for (index, result) in zip(retry, executeOnce(modifies, in: datapath)) { results[index] = result }
        }
        return results
    }

    /// Large batches are cut into chunks; while the kernel works through one
    /// chunk (inside `sendmsg`, on this thread) the next chunk is encoded on
    /// another core, so encoding costs no wall time on a machine with two.
    private func executeOnce(_ operations: [FlowOperation], in datapath: Datapath) -> [Result<Flow?, NetlinkError>] {
        let chunkSize = 2048
        guard operations.count > chunkSize else { return executeChunk(operations[...], requests: encode(operations[...], datapath)) }
        var results: [Result<Flow?, NetlinkError>] = []
        results.reserveCapacity(operations.count)
        var start = operations.startIndex
        var requests = encode(operations[start..<min(start + chunkSize, operations.endIndex)], datapath)
        while start < operations.endIndex {
            let end = min(start + chunkSize, operations.endIndex)
            let nextEnd = min(end + chunkSize, operations.endIndex)
            let next = PendingEncoding()
            let group = DispatchGroup()
            if end < nextEnd {
                let slice = operations[end..<nextEnd]
                let families = self.families
                DispatchQueue.global().async(group: group) { next.requests = Self.encode(slice, datapath, families) }
            }
            results += executeChunk(operations[start..<end], requests: requests)
            group.wait()
            requests = next.requests
            start = end
        }
        return results
    }

    private func encode(_ operations: ArraySlice<FlowOperation>, _ datapath: Datapath) -> [NetlinkRequest] {
        Self.encode(operations, datapath, families)
    }

    /// Requests name no object; a failure is described from its operation
    /// afterwards, so a clean batch of 100,000 flows formats nothing.
    private static func encode(_ operations: ArraySlice<FlowOperation>, _ datapath: Datapath, _ families: OVSFamilies) -> [NetlinkRequest] {
        operations.map { buildFlowRequest($0, datapath: datapath, families: families) }
    }

    private func executeChunk(_ operations: ArraySlice<FlowOperation>, requests: [NetlinkRequest]) -> [Result<Flow?, NetlinkError>] {
        let replies = socket.batch(requests)
        return zip(operations, replies).map { operation, reply in
            switch reply {
            case .failure(let error):
                return .failure(NetlinkError(operation: error.operation, object: Self.describe(operation), cause: error.cause))
            case .success(let messages):
                guard case .get = operation else { return .success(nil) }
                guard let message = messages.first else {
                    return .failure(NetlinkError(operation: "get flow", object: "", cause: .malformedReply(
                        NetlinkDecodingError(attributeType: nil, reason: "no reply"))))
                }
                do throws(NetlinkDecodingError) { return .success(try Flow.decode(message)) }
                catch { return .failure(NetlinkError(operation: "get flow", object: "", cause: .malformedReply(error))) }
            }
        }
    }

    // MARK: Requests

    func flowRequest(_ operation: FlowOperation, datapath: Datapath) -> NetlinkRequest {
        NetlinkRequest(rebinding: Self.buildFlowRequest(operation, datapath: datapath, families: families),
                       object: Self.describe(operation))
    }

    private static func buildFlowRequest(_ operation: FlowOperation, datapath: Datapath, families: OVSFamilies) -> NetlinkRequest {
        switch operation {
        case .put(let flow, let mode):
            let command = mode == .modify ? cmd(OVS_FLOW_CMD_SET) : cmd(OVS_FLOW_CMD_NEW)
            let flags = mode == .create ? NetlinkConstants.flagCreate : 0
            let name = mode == .create ? "create flow" : mode == .modify ? "modify flow" : "put flow"
            var request = Self.request(families.flow, command, dpIfindex: datapath.ifindex, flags: flags,
                                       operation: name, object: "")
            request.body.nest(attr(OVS_FLOW_ATTR_KEY)) { flow.key.encode(into: &$0) }
            if let mask = flow.mask {
                request.body.nest(attr(OVS_FLOW_ATTR_MASK)) { mask.encode(into: &$0) }
            }
            request.body.nest(attr(OVS_FLOW_ATTR_ACTIONS)) { flow.actions.encode(into: &$0) }
            if let ufid = flow.ufid {
                ufid.put(attr(OVS_FLOW_ATTR_UFID), into: &request.body)
                // Nothing is echoed, but say what a reply would need to hold.
                request.body.put(attr(OVS_FLOW_ATTR_UFID_FLAGS), u32: FlowOmissions.allButStats.rawValue)
            }
            return request
        case .delete(let selector):
            var request = Self.request(families.flow, cmd(OVS_FLOW_CMD_DEL), dpIfindex: datapath.ifindex,
                                       operation: "delete flow", object: "")
            Self.put(selector, into: &request)
            if case .ufid = selector { request.body.put(attr(OVS_FLOW_ATTR_UFID_FLAGS), u32: FlowOmissions.allButStats.rawValue) }
            return request
        case .get(let selector, let omit):
            var request = Self.request(families.flow, cmd(OVS_FLOW_CMD_GET), dpIfindex: datapath.ifindex,
                                       operation: "get flow", object: "")
            Self.put(selector, into: &request)
            if !omit.isEmpty { request.body.put(attr(OVS_FLOW_ATTR_UFID_FLAGS), u32: omit.rawValue) }
            return request
        case .clearStats(let selector):
            var request = Self.request(families.flow, cmd(OVS_FLOW_CMD_SET), dpIfindex: datapath.ifindex,
                                       operation: "clear flow stats", object: "")
            Self.put(selector, into: &request)
            request.body.putFlag(attr(OVS_FLOW_ATTR_CLEAR))
            return request
        }
    }

    private static func put(_ selector: FlowSelector, into request: inout NetlinkRequest) {
        switch selector {
        case .ufid(let ufid): ufid.put(attr(OVS_FLOW_ATTR_UFID), into: &request.body)
        case .key(let key): request.body.nest(attr(OVS_FLOW_ATTR_KEY)) { key.encode(into: &$0) }
        }
    }

    static func describe(_ operation: FlowOperation) -> String {
        switch operation {
        case .put(let flow, _): return describe(flow)
        case .delete(let selector), .get(let selector, _), .clearStats(let selector): return describe(selector)
        }
    }

    static func describe(_ flow: Flow) -> String {
        let match = FlowFormatter.formatMatch(key: flow.key, mask: flow.mask)
        return flow.ufid.map { "\($0) \(match)" } ?? match
    }

    static func describe(_ selector: FlowSelector) -> String {
        switch selector {
        case .ufid(let ufid): return ufid.description
        case .key(let key): return FlowFormatter.formatMatch(key: key, mask: nil)
        }
    }
}

/// The next chunk's requests, filled in by the encoding thread and read
/// only after `DispatchGroup.wait()`, which orders the two.
private final class PendingEncoding: @unchecked Sendable {
    var requests: [NetlinkRequest] = []
}
