import CNetlink
import OVSDatapathCore

/// Vport lifecycle on one datapath: add, look up, list, delete, upcall PIDs.
extension DatapathConnection {
    /// Adds a port. Without `portNumber` the kernel picks the lowest free
    /// number ≥ 1; a taken number fails with EBUSY. `upcallPIDs` defaults to
    /// `[0]` (no per-vport upcalls, as per-CPU dispatch wants).
    @discardableResult
    public func addVport(
        to datapath: Datapath, name: String, spec: VportSpec, portNumber: UInt32? = nil,
        upcallPIDs: [UInt32] = [0]
    ) throws(NetlinkError) -> Vport {
        let operation = "add vport"
        let object = "\(name)' on datapath '\(datapath.name)"
        if name.isEmpty || name.utf8.count > Datapath.maxNameLength {
            throw NetlinkError(
                operation: operation, object: object,
                cause: .invalidArgument(
                    "a vport name must be 1 to \(Datapath.maxNameLength) bytes long"))
        }
        var request = self.request(
            families.vport, cmd(OVS_VPORT_CMD_NEW), dpIfindex: datapath.ifindex,
            flags: NetlinkConstants.flagEcho, operation: operation, object: object)
        request.body.put(attr(OVS_VPORT_ATTR_NAME), string: name)
        request.body.put(attr(OVS_VPORT_ATTR_TYPE), u32: spec.type.rawValue)
        if let portNumber { request.body.put(attr(OVS_VPORT_ATTR_PORT_NO), u32: portNumber) }
        request.body.put(attr(OVS_VPORT_ATTR_UPCALL_PID), u32Array: upcallPIDs.isEmpty ? [0] : upcallPIDs)
        if case .legacyVXLAN(let destinationPort) = spec {
            request.body.nest(attr(OVS_VPORT_ATTR_OPTIONS)) { options in
                options.put(UInt16(OVS_TUNNEL_ATTR_DST_PORT), u16: destinationPort)
            }
        }
        return try single(try socket.transact(request), operation: operation, object: object, Vport.decode)
    }

    /// The port called `name` on `datapath`.
    public func vport(named name: String, on datapath: Datapath) throws(NetlinkError) -> Vport {
        let operation = "get vport"
        var request = self.request(
            families.vport, cmd(OVS_VPORT_CMD_GET), dpIfindex: datapath.ifindex,
            operation: operation, object: name)
        request.body.put(attr(OVS_VPORT_ATTR_NAME), string: name)
        return try single(try socket.transact(request), operation: operation, object: name, Vport.decode)
    }

    /// The port numbered `portNumber` on `datapath`.
    public func vport(number portNumber: UInt32, on datapath: Datapath) throws(NetlinkError) -> Vport {
        let operation = "get vport"
        let object = "port \(portNumber) of \(datapath.name)"
        var request = self.request(
            families.vport, cmd(OVS_VPORT_CMD_GET), dpIfindex: datapath.ifindex,
            operation: operation, object: object)
        request.body.put(attr(OVS_VPORT_ATTR_PORT_NO), u32: portNumber)
        return try single(try socket.transact(request), operation: operation, object: object, Vport.decode)
    }

    /// Every port of `datapath`, local port included, by port number.
    public func vports(of datapath: Datapath) throws(NetlinkError) -> [Vport] {
        let operation = "dump vports"
        let request = self.request(
            families.vport, cmd(OVS_VPORT_CMD_GET), dpIfindex: datapath.ifindex,
            operation: operation, object: datapath.name)
        var result: [Vport] = []
        try socket.dump(request) { (message) throws(NetlinkError) in
            result.append(try decode(message, operation: operation, object: datapath.name, Vport.decode))
        }
        return result.sorted { $0.portNumber < $1.portNumber }
    }

    /// Removes a port (the netdev of a NETDEV port stays; an internal or
    /// legacy tunnel port's device goes with it).
    public func deleteVport(_ vport: Vport) throws(NetlinkError) {
        let operation = "delete vport"
        var request = self.request(
            families.vport, cmd(OVS_VPORT_CMD_DEL), dpIfindex: vport.datapathIfindex,
            operation: operation, object: vport.name)
        request.body.put(attr(OVS_VPORT_ATTR_PORT_NO), u32: vport.portNumber)
        try socket.transact(request)
    }

    /// Points a port's upcalls at other sockets (per-vport dispatch).
    @discardableResult
    public func setUpcallPIDs(of vport: Vport, to pids: [UInt32]) throws(NetlinkError) -> Vport {
        let operation = "set vport upcall pids"
        var request = self.request(
            families.vport, cmd(OVS_VPORT_CMD_SET), dpIfindex: vport.datapathIfindex,
            flags: NetlinkConstants.flagEcho, operation: operation, object: vport.name)
        request.body.put(attr(OVS_VPORT_ATTR_PORT_NO), u32: vport.portNumber)
        request.body.put(attr(OVS_VPORT_ATTR_UPCALL_PID), u32Array: pids.isEmpty ? [0] : pids)
        return try single(try socket.transact(request), operation: operation, object: vport.name, Vport.decode)
    }
}
