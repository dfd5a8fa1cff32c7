import CNetlink
import OVSDatapathCore

/// Datapath lifecycle: create, look up, list, delete, change upcall targets.
extension DatapathConnection {
    /// Creates a datapath. Per-CPU upcall dispatch is asked for when
    /// `upcalls` is `.perCPU`; a kernel without it (EOPNOTSUPP) gets a
    /// datapath with per-vport dispatch to the first PID instead — check
    /// `userFeatures` on the result to see which one you got.
    @discardableResult
    public func createDatapath(name: String, upcalls: UpcallDestination = .none) throws(NetlinkError) -> Datapath {
        let operation = "create datapath"
        try Self.validateName(name, operation: operation)
        do {
            return try sendCreate(name: name, upcalls: upcalls)
        } catch let error where error.errno == EOPNOTSUPP {
            guard case .perCPU(let pids) = upcalls else { throw error }
            return try sendCreate(name: name, upcalls: .perVport(pids.first ?? 0))
        }
    }

    private func sendCreate(name: String, upcalls: UpcallDestination) throws(NetlinkError) -> Datapath {
        let operation = "create datapath"
        var request = self.request(
            families.datapath, cmd(OVS_DP_CMD_NEW), dpIfindex: 0,
            flags: NetlinkConstants.flagEcho, operation: operation, object: name)
        request.body.put(attr(OVS_DP_ATTR_NAME), string: name)
        var features: DatapathFeatures = [.unaligned]
        switch upcalls {
        case .none:
            request.body.put(attr(OVS_DP_ATTR_UPCALL_PID), u32: 0)
        case .perVport(let pid):
            features.insert(.vportPIDs)
            request.body.put(attr(OVS_DP_ATTR_UPCALL_PID), u32: pid)
        case .perCPU(let pids):
            features.insert(.dispatchUpcallPerCPU)
            request.body.put(attr(OVS_DP_ATTR_UPCALL_PID), u32: 0)
            request.body.put(attr(OVS_DP_ATTR_PER_CPU_PIDS), u32Array: pids)
        }
        request.body.put(attr(OVS_DP_ATTR_USER_FEATURES), u32: features.rawValue)
        let replies = try socket.transact(request)
        return try single(replies, operation: operation, object: name, Datapath.decode)
    }

    /// The datapath called `name`, or an ENODEV kernel error.
    public func datapath(named name: String) throws(NetlinkError) -> Datapath {
        let operation = "get datapath"
        try Self.validateName(name, operation: operation)
        var request = self.request(families.datapath, cmd(OVS_DP_CMD_GET), dpIfindex: 0, operation: operation, object: name)
        request.body.put(attr(OVS_DP_ATTR_NAME), string: name)
        return try single(try socket.transact(request), operation: operation, object: name, Datapath.decode)
    }

    /// Every datapath in this network namespace.
    public func datapaths() throws(NetlinkError) -> [Datapath] {
        let operation = "dump datapaths"
        let request = self.request(families.datapath, cmd(OVS_DP_CMD_GET), dpIfindex: 0, operation: operation, object: "")
        var result: [Datapath] = []
        try socket.dump(request) { (message) throws(NetlinkError) in
            result.append(try decode(message, operation: operation, object: "", Datapath.decode))
        }
        return result
    }

    /// Deletes a datapath with all its vports and flows.
    public func deleteDatapath(named name: String) throws(NetlinkError) {
        let operation = "delete datapath"
        try Self.validateName(name, operation: operation)
        var request = self.request(families.datapath, cmd(OVS_DP_CMD_DEL), dpIfindex: 0, operation: operation, object: name)
        request.body.put(attr(OVS_DP_ATTR_NAME), string: name)
        try socket.transact(request)
    }

    /// Re-targets upcalls (per-CPU PIDs) and restates the user features,
    /// since a SET without them would reset them.
    @discardableResult
    public func setUpcalls(of datapath: Datapath, to upcalls: UpcallDestination) throws(NetlinkError) -> Datapath {
        let operation = "set datapath upcalls"
        var request = self.request(
            families.datapath, cmd(OVS_DP_CMD_SET), dpIfindex: datapath.ifindex,
            flags: NetlinkConstants.flagEcho, operation: operation, object: datapath.name)
        request.body.put(attr(OVS_DP_ATTR_NAME), string: datapath.name)
        var features = datapath.userFeatures.subtracting([.dispatchUpcallPerCPU, .vportPIDs])
        switch upcalls {
        case .none: break
        case .perVport: features.insert(.vportPIDs)
        case .perCPU(let pids):
            features.insert(.dispatchUpcallPerCPU)
            request.body.put(attr(OVS_DP_ATTR_PER_CPU_PIDS), u32Array: pids)
        }
        request.body.put(attr(OVS_DP_ATTR_USER_FEATURES), u32: features.rawValue)
        return try single(try socket.transact(request), operation: operation, object: datapath.name, Datapath.decode)
    }

    static func validateName(_ name: String, operation: String) throws(NetlinkError) {
        if name.isEmpty {
            throw NetlinkError(operation: operation, object: name, cause: .invalidArgument("a datapath name cannot be empty"))
        }
        if name.utf8.count > Datapath.maxNameLength {
            throw NetlinkError(
                operation: operation, object: name,
                cause: .invalidArgument(
                    "datapath name is \(name.utf8.count) bytes long; the kernel allows at most \(Datapath.maxNameLength) (IFNAMSIZ-1)"))
        }
    }
}
