import CNetlink
import Dispatch
import OVSDatapathCore

extension DatapathConnection {
    // MARK: Single operations

    /// Installs (or modifies) one flow.
    public func putFlow(_ flow: Flow, in datapath: Datapath, mode: FlowPutMode = .create) throws(NetlinkError) {
        if case .failure(let error) = execute([.put(flow, mode)], in: datapath)[0] { throw error }
    }

    /// Deletes one flow, found by UFID or by key.
    /// - Throws: `NetlinkError`; the kernel's ENOENT when there is no such flow.
    public func deleteFlow(_ selector: FlowSelector, in datapath: Datapath) throws(NetlinkError) {
        try socket.transact(flowRequest(.delete(selector), datapath: datapath))
    }

    /// Removes every flow of the datapath (DEL with neither key nor UFID).
    public func flushFlows(in datapath: Datapath) throws(NetlinkError) {
        let request = self.request(
            families.flow, cmd(OVS_FLOW_CMD_DEL), dpIfindex: datapath.ifindex,
            operation: "flush flows", object: datapath.name)
        try socket.transact(request)
    }

    /// Reads one flow, found by UFID or by key, leaving out what `omit` names.
    /// - Parameters:
    ///   - selector: the flow's UFID, or its key for a flow without one.
    ///   - datapath: the datapath that holds it.
    ///   - omit: parts of the reply to leave out (key, mask, actions).
    /// - Throws: `NetlinkError`; the kernel's ENOENT when there is no such flow.
    public func flow(_ selector: FlowSelector, in datapath: Datapath, omit: FlowOmissions = []) throws(NetlinkError) -> Flow {
        let request = flowRequest(.get(selector, omit: omit), datapath: datapath)
        return try single(try socket.transact(request), operation: request.operation, object: request.object, Flow.decode)
    }

    /// Every flow of the datapath, streamed to `body` part by part.
    public func dumpFlows(in datapath: Datapath, omit: FlowOmissions = [], _ body: (Flow) throws(NetlinkError) -> Void) throws(NetlinkError)
    {
        try socket.dump(flowDumpRequest(datapath, omit: omit)) { (message) throws(NetlinkError) in
            try body(try decode(message, operation: "dump flows", object: datapath.name, Flow.decode))
        }
    }

    private func flowDumpRequest(_ datapath: Datapath, omit: FlowOmissions = []) -> NetlinkRequest {
        var request = Self.request(
            families.flow, cmd(OVS_FLOW_CMD_GET), dpIfindex: datapath.ifindex,
            operation: "dump flows", object: datapath.name)
        if !omit.isEmpty { request.body.put(attr(OVS_FLOW_ATTR_UFID_FLAGS), u32: omit.rawValue) }
        return request
    }

    /// The flows that match an input port exactly, streamed to `body`; the
    /// others are passed over before they are decoded. In a VTEP's
    /// datapath those are nearly all of them (a flow per remote MAC,
    /// matched after recirculation by destination alone), and looking at a
    /// flow's port costs a small part of decoding it.
    public func portMatchingFlows(in datapath: Datapath, _ body: (Flow) throws(NetlinkError) -> Void) throws(NetlinkError) {
        try socket.dump(flowDumpRequest(datapath)) { (message) throws(NetlinkError) in
            guard try decode(message, operation: "dump flows", object: datapath.name, Flow.matchesInPort) else { return }
            try body(try decode(message, operation: "dump flows", object: datapath.name, Flow.decode))
        }
    }

    /// Every flow of the datapath, dumped into an array; `dumpFlows(in:omit:_:)`
    /// streams them instead.
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
                case .failure(let error) = results[index], error.errno == ENOENT
            else { return false }
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
        let families = self.families
        guard operations.count > chunkSize else {
            var batch = Self.encode(operations[...], datapath, families)
            return executeChunk(operations[...], batch: &batch)
        }
        var results: [Result<Flow?, NetlinkError>] = []
        results.reserveCapacity(operations.count)
        var start = operations.startIndex
        var batch = Self.encode(operations[start..<min(start + chunkSize, operations.endIndex)], datapath, families)
        while start < operations.endIndex {
            let end = min(start + chunkSize, operations.endIndex)
            let nextEnd = min(end + chunkSize, operations.endIndex)
            let next = PendingEncoding()
            let group = DispatchGroup()
            if end < nextEnd {
                let slice = operations[end..<nextEnd]
                DispatchQueue.global().async(group: group) { next.batch = Self.encode(slice, datapath, families) }
            }
            results += executeChunk(operations[start..<end], batch: &batch)
            group.wait()
            batch = next.batch
            start = end
        }
        return results
    }

    /// Messages name no object; a failure is described from its operation
    /// afterwards, so a clean batch of 100,000 flows formats nothing.
    private static func encode(_ operations: ArraySlice<FlowOperation>, _ datapath: Datapath, _ families: OVSFamilies) -> NetlinkBatch {
        var batch = NetlinkBatch(reservingBytes: operations.count * 128, messages: operations.count)
        for operation in operations {
            let head = head(of: operation)
            batch.appendGeneric(
                family: families.flow.id, command: head.command, version: families.flow.version,
                flags: head.flags, dpIfindex: datapath.ifindex, operation: head.operation
            ) {
                writeAttributes(of: operation, into: &$0)
            }
        }
        return batch
    }

    private func executeChunk(_ operations: ArraySlice<FlowOperation>, batch: inout NetlinkBatch) -> [Result<Flow?, NetlinkError>] {
        let replies = socket.send(&batch)
        return zip(operations, replies).map { operation, reply in
            switch reply {
            case .failure(let error):
                return .failure(NetlinkError(operation: error.operation, object: Self.describe(operation), cause: error.cause))
            case .success(let messages):
                guard case .get = operation else { return .success(nil) }
                guard let message = messages.first else {
                    return .failure(
                        NetlinkError(
                            operation: "get flow", object: "",
                            cause: .malformedReply(
                                NetlinkDecodingError(attributeType: nil, reason: "no reply"))))
                }
                do throws(NetlinkDecodingError) { return .success(try Flow.decode(message)) } catch {
                    return .failure(NetlinkError(operation: "get flow", object: "", cause: .malformedReply(error)))
                }
            }
        }
    }

    // MARK: Requests

    /// One operation as a stand-alone request (for `transact`), encoded by
    /// the same code as a batch.
    func flowRequest(_ operation: FlowOperation, datapath: Datapath) -> NetlinkRequest {
        let head = Self.head(of: operation)
        var request = Self.request(
            families.flow, head.command, dpIfindex: datapath.ifindex, flags: head.flags,
            operation: head.operation, object: Self.describe(operation))
        Self.writeAttributes(of: operation, into: &request.body)
        return request
    }

    private struct MessageHead {
        var command: UInt8
        var flags: UInt16 = 0
        var operation: String
    }

    private static func head(of operation: FlowOperation) -> MessageHead {
        switch operation {
        case .put(_, .create): MessageHead(command: cmd(OVS_FLOW_CMD_NEW), flags: NetlinkConstants.flagCreate, operation: "create flow")
        case .put(_, .createOrModify): MessageHead(command: cmd(OVS_FLOW_CMD_NEW), operation: "put flow")
        case .put(_, .modify): MessageHead(command: cmd(OVS_FLOW_CMD_SET), operation: "modify flow")
        case .delete: MessageHead(command: cmd(OVS_FLOW_CMD_DEL), operation: "delete flow")
        case .get: MessageHead(command: cmd(OVS_FLOW_CMD_GET), operation: "get flow")
        case .clearStats: MessageHead(command: cmd(OVS_FLOW_CMD_SET), operation: "clear flow stats")
        }
    }

    private static func writeAttributes(of operation: FlowOperation, into body: inout NetlinkAttributeWriter) {
        switch operation {
        case .put(let flow, _):
            body.nest(attr(OVS_FLOW_ATTR_KEY)) { flow.key.encode(into: &$0) }
            if let mask = flow.mask {
                body.nest(attr(OVS_FLOW_ATTR_MASK)) { mask.encode(into: &$0) }
            }
            body.nest(attr(OVS_FLOW_ATTR_ACTIONS)) { flow.actions.encode(into: &$0) }
            if let ufid = flow.ufid {
                ufid.put(attr(OVS_FLOW_ATTR_UFID), into: &body)
                // Nothing is echoed, but say what a reply would need to hold.
                body.put(attr(OVS_FLOW_ATTR_UFID_FLAGS), u32: FlowOmissions.allButStats.rawValue)
            }
        case .delete(let selector):
            put(selector, into: &body)
            if case .ufid = selector { body.put(attr(OVS_FLOW_ATTR_UFID_FLAGS), u32: FlowOmissions.allButStats.rawValue) }
        case .get(let selector, let omit):
            put(selector, into: &body)
            if !omit.isEmpty { body.put(attr(OVS_FLOW_ATTR_UFID_FLAGS), u32: omit.rawValue) }
        case .clearStats(let selector):
            put(selector, into: &body)
            body.putFlag(attr(OVS_FLOW_ATTR_CLEAR))
        }
    }

    private static func put(_ selector: FlowSelector, into body: inout NetlinkAttributeWriter) {
        switch selector {
        case .ufid(let ufid): ufid.put(attr(OVS_FLOW_ATTR_UFID), into: &body)
        case .key(let key): body.nest(attr(OVS_FLOW_ATTR_KEY)) { key.encode(into: &$0) }
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
    var batch = NetlinkBatch()
}
