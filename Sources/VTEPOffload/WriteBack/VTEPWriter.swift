import OVSDB
import VTEPModel

/// The writes vtep-kdp makes to the VTEP database, as transactions built
/// from the current replica. Locators and locator sets are found or created
/// as the schema requires (a locator is unique per encapsulation, IP and
/// key; sets are garbage-collected once unreferenced).
///
/// Every write is idempotent against the replica it was built from: run
/// again after a lost connection, it changes nothing that is already there.
public struct VTEPWriter: Sendable {
    /// The client whose replica the writes are built from and sent through.
    public let client: OVSDBClient<VTEPDatabase>

    /// A writer through `client`.
    public init(client: OVSDBClient<VTEPDatabase>) { self.client = client }

    static let encapsulation = "vxlan_over_ipv4"
    typealias Op = OVSDBOperation

    // MARK: Physical ports

    /// Makes `switchName` list a Physical_Port for each of `ports` and none
    /// for `removing` (the rows of ports that left the datapath; dropped
    /// from the switch, they are garbage-collected with their statistics).
    /// Rows named in neither are left alone.
    public func setPhysicalPorts(_ ports: [String], removing: [String], on switchName: String) async throws(OVSDBError) {
        let db = await client.replica
        guard let (switchID, physicalSwitch) = db.physicalSwitch(named: switchName) else {
            throw .operationFailed(index: 0, error: "no such Physical_Switch", details: switchName)
        }
        let rows = physicalSwitch.ports.compactMap { id in db.physicalPorts[id].map { (id, $0.name) } }
        let existing = Set(rows.map(\.1))
        let missing = ports.filter { !existing.contains($0) }
        let leaving = Set(removing)
        let staleRows = rows.filter { leaving.contains($0.1) }
        let stale = staleRows.map(\.0)
        guard !missing.isEmpty || !stale.isEmpty else { return }
        var comment = "vtep-kdp:"
        if !missing.isEmpty { comment += " add ports \(missing.joined(separator: ", ")) to \(switchName)" }
        if !stale.isEmpty { comment += " remove ports \(staleRows.map(\.1).sorted().joined(separator: ", ")) from \(switchName)" }
        var operations: [JSONValue] = [Op.comment(comment)]
        for (index, name) in missing.enumerated() {
            operations.append(Op.insert(VTEPPhysicalPort.tableName, [("name", .string(name))], uuidName: "port\(index)"))
        }
        var mutations: [JSONValue] = []
        if !stale.isEmpty { mutations.append(["ports", "delete", Op.set(stale.sorted().map { .uuid($0) })]) }
        if !missing.isEmpty { mutations.append(["ports", "insert", Op.set(missing.indices.map { .named("port\($0)") })]) }
        operations.append(Op.mutate(VTEPPhysicalSwitch.tableName, where: Op.whereUUID(switchID), mutations))
        _ = try await client.transact(operations)
    }

    /// Sets the switch's `description` and `management_ips`, each when
    /// given (nil leaves the column to whoever else writes it).
    public func setSwitchIdentity(description: String?, managementIPs: Set<String>?, switch uuid: OVSDBUUID) async throws(OVSDBError) {
        guard let row = await client.replica.physicalSwitches[uuid] else { return }
        var columns: [(String, JSONValue)] = []
        if let description, row.description != description { columns.append(("description", .string(description))) }
        if let managementIPs, row.managementIPs != managementIPs { columns.append(("management_ips", managementIPs.datumJSON)) }
        guard !columns.isEmpty else { return }
        _ = try await client.transact([Op.update(VTEPPhysicalSwitch.tableName, where: Op.whereUUID(uuid), columns)])
    }

    // MARK: Local MACs

    /// Adds `mac` in `logicalSwitch` behind this VTEP's tunnel IP.
    @discardableResult
    public func addUcastMacLocal(_ mac: String, logicalSwitch: OVSDBUUID, tunnelIP: String, ipaddr: String = "") async throws(OVSDBError)
        -> OVSDBUUID?
    {
        let db = await client.replica
        if let existing = db.ucastMacsLocal.rows.first(where: { $0.value.mac == mac && $0.value.logicalSwitch == logicalSwitch }),
            db.locators[existing.value.locator]?.dstIP == tunnelIP
        {
            return existing.key
        }
        var operations: [JSONValue] = []
        // A MAC lives in one place per logical switch: drop an older row.
        for (uuid, row) in db.ucastMacsLocal.rows where row.mac == mac && row.logicalSwitch == logicalSwitch {
            operations.append(Op.delete("Ucast_Macs_Local", where: Op.whereUUID(uuid)))
        }
        let locator = locatorReference(tunnelIP, in: db, operations: &operations)
        // An unknown IP is left out (the column's default), not written as "".
        var columns: [(String, JSONValue)] = [("MAC", .string(mac)), ("logical_switch", logicalSwitch.json), ("locator", locator.json)]
        if !ipaddr.isEmpty { columns.append(("ipaddr", .string(ipaddr))) }
        operations.append(Op.insert("Ucast_Macs_Local", columns))
        let results = try await client.transact(operations)
        return results.last?.uuid
    }

    /// Makes Ucast_Macs_Local hold exactly `macs` (MAC text by logical
    /// switch) among the rows whose locator is `tunnelIP` — the rows this
    /// VTEP owns — in one transaction: learned MACs are inserted, aged-out
    /// or moved ones deleted, the rest left alone. A MAC with `addresses`
    /// (dotted IPv4, by switch and MAC) gets one row per address, its rows
    /// of other addresses deleted. Returns the rows changed.
    @discardableResult
    public func setUcastMacsLocal(
        _ macs: [OVSDBUUID: Set<String>], addresses: [OVSDBUUID: [String: [String]]] = [:], tunnelIP: String
    ) async throws(OVSDBError) -> Int {
        let db = await client.replica
        let ours = db.locator(dstIP: tunnelIP)
        // Per switch and MAC, the `ipaddr`s of the rows that stay.
        var present: [OVSDBUUID: [String: Set<String>]] = [:]
        var operations: [JSONValue] = []
        for (uuid, row) in db.ucastMacsLocal.rows {
            if row.locator == ours, macs[row.logicalSwitch]?.contains(row.mac) == true {
                let announced = addresses[row.logicalSwitch]?[row.mac]
                if announced.map({ !$0.contains(row.ipaddr) }) == true
                    || present[row.logicalSwitch]?[row.mac]?.contains(row.ipaddr) == true
                {
                    // An address the MAC no longer has, the "" row of a MAC whose address is now
                    // known, or a second row of the same pair.
                    operations.append(Op.delete("Ucast_Macs_Local", where: Op.whereUUID(uuid)))
                } else {
                    present[row.logicalSwitch, default: [:]][row.mac, default: []].insert(row.ipaddr)
                }
            } else if row.locator == ours || macs[row.logicalSwitch]?.contains(row.mac) == true {
                // Ours but no longer local, or local now but pointing elsewhere.
                operations.append(Op.delete("Ucast_Macs_Local", where: Op.whereUUID(uuid)))
            }
        }
        var locator: OVSDBOperation.RowReference?
        for (logicalSwitch, wanted) in macs.sorted(by: { $0.key < $1.key }) {
            for mac in wanted.sorted() {
                let have = present[logicalSwitch]?[mac] ?? []
                let announced = addresses[logicalSwitch]?[mac] ?? []
                // One row per MAC/IP pair; a MAC whose address is unknown keeps
                // whatever rows it has (a restart learns MACs, not their IPs).
                let missing = announced.isEmpty ? (have.isEmpty ? [""] : []) : announced.filter { !have.contains($0) }
                for ipaddr in missing {
                    let reference = locator ?? locatorReference(tunnelIP, in: db, operations: &operations)
                    locator = reference
                    var columns: [(String, JSONValue)] = [
                        ("MAC", .string(mac)), ("logical_switch", logicalSwitch.json), ("locator", reference.json),
                    ]
                    if !ipaddr.isEmpty { columns.append(("ipaddr", .string(ipaddr))) }
                    operations.append(Op.insert("Ucast_Macs_Local", columns))
                }
            }
        }
        guard !operations.isEmpty else { return 0 }
        _ = try await client.transact(operations)
        return operations.count
    }

    /// Deletes one Ucast_Macs_Local row, by UUID.
    /// - Throws: `OVSDBError` when the transaction fails.
    public func removeUcastMacLocal(_ row: OVSDBUUID) async throws(OVSDBError) {
        _ = try await client.transact([Op.delete("Ucast_Macs_Local", where: Op.whereUUID(row))])
    }

    /// Sets `logicalSwitch`'s local `mac` (ovs-vtep: `unknown-dst`) to the
    /// locator set of `tunnelIPs`.
    public func setMcastMacLocal(_ mac: String, logicalSwitch: OVSDBUUID, tunnelIPs: [String]) async throws(OVSDBError) {
        let db = await client.replica
        let wanted = Set(tunnelIPs)
        let rows = db.mcastMacsLocal.rows.filter { $0.value.mac == mac && $0.value.logicalSwitch == logicalSwitch }
        if rows.count == 1, let row = rows.first?.value,
            let set = db.locatorSets[row.locatorSet], Set(set.locators.compactMap { db.locators[$0]?.dstIP }) == wanted
        {
            return
        }
        var operations: [JSONValue] = rows.keys.map { Op.delete("Mcast_Macs_Local", where: Op.whereUUID($0)) }
        let locators = tunnelIPs.sorted().map { locatorReference($0, in: db, operations: &operations) }
        operations.append(Op.insert(VTEPPhysicalLocatorSet.tableName, [("locators", Op.set(locators))], uuidName: "set"))
        operations.append(
            Op.insert(
                "Mcast_Macs_Local",
                [
                    ("MAC", .string(mac)), ("logical_switch", logicalSwitch.json),
                    ("locator_set", OVSDBOperation.RowReference.named("set").json),
                ]))
        _ = try await client.transact(operations)
    }

    /// Deletes the `mac` rows (ovs-vtep: `unknown-dst`) of Mcast_Macs_Local
    /// whose locator set is exactly `tunnelIP` — this VTEP's — for logical
    /// switches other than `keeping`: switches no longer bound here.
    public func removeMcastMacsLocal(_ mac: String, except keeping: Set<OVSDBUUID>, tunnelIP: String) async throws(OVSDBError) {
        let db = await client.replica
        let stale = db.mcastMacsLocal.rows.filter { _, row in
            row.mac == mac && !keeping.contains(row.logicalSwitch)
                && db.locatorSets[row.locatorSet].map { Set($0.locators.compactMap { db.locators[$0]?.dstIP }) == [tunnelIP] } == true
        }
        guard !stale.isEmpty else { return }
        _ = try await client.transact(stale.keys.sorted().map { Op.delete("Mcast_Macs_Local", where: Op.whereUUID($0)) })
    }

    // MARK: Faults and statistics

    /// Whether the server's schema is older than this column: then it is
    /// not written (the log said so once, at connection).
    private func serverLacks(_ table: String, _ column: String) async -> Bool {
        await client.missingColumns[table]?.contains(column) == true
    }

    /// Replaces a Physical_Switch's `switch_fault_status`.
    public func setSwitchFaults(_ faults: Set<String>, switch uuid: OVSDBUUID) async throws(OVSDBError) {
        guard await client.replica.physicalSwitches[uuid]?.switchFaultStatus != faults,
            await !serverLacks(VTEPPhysicalSwitch.tableName, "switch_fault_status")
        else { return }
        _ = try await client.transact([
            Op.update(
                VTEPPhysicalSwitch.tableName, where: Op.whereUUID(uuid),
                [("switch_fault_status", faults.datumJSON)])
        ])
    }

    /// Replaces a Physical_Port's `port_fault_status`.
    public func setPortFaults(_ faults: Set<String>, port uuid: OVSDBUUID) async throws(OVSDBError) {
        guard await client.replica.physicalPorts[uuid]?.portFaultStatus != faults,
            await !serverLacks(VTEPPhysicalPort.tableName, "port_fault_status")
        else { return }
        _ = try await client.transact([
            Op.update(
                VTEPPhysicalPort.tableName, where: Op.whereUUID(uuid),
                [("port_fault_status", faults.datumJSON)])
        ])
    }

    /// Writes the counters of the binding (`port`, `vlan`), creating its
    /// Logical_Binding_Stats row on first use.
    public func setBindingStats(_ stats: VTEPLogicalBindingStats, port: OVSDBUUID, vlan: Int) async throws(OVSDBError) {
        let db = await client.replica
        let row: [(String, JSONValue)] = [
            ("bytes_from_local", .integer(stats.bytesFromLocal)), ("packets_from_local", .integer(stats.packetsFromLocal)),
            ("bytes_to_local", .integer(stats.bytesToLocal)), ("packets_to_local", .integer(stats.packetsToLocal)),
        ]
        if let statsID = db.physicalPorts[port]?.vlanStats[vlan], db.bindingStats[statsID] != nil {
            guard db.bindingStats[statsID] != stats else { return }
            _ = try await client.transact([Op.update(VTEPLogicalBindingStats.tableName, where: Op.whereUUID(statsID), row)])
            return
        }
        _ = try await client.transact([
            Op.insert(VTEPLogicalBindingStats.tableName, row, uuidName: "stats"),
            Op.mutate(
                VTEPPhysicalPort.tableName, where: Op.whereUUID(port),
                [
                    ["vlan_stats", "delete", ["set", [.integer(vlan)]]],
                    ["vlan_stats", "insert", ["map", [[.integer(vlan), OVSDBOperation.RowReference.named("stats").json]]]],
                ]),
        ])
    }

    /// Takes the `vlans` out of a port's `vlan_stats`; their
    /// Logical_Binding_Stats rows, referenced from nowhere else (the table
    /// is not a root), go with them.
    public func removeBindingStats(vlans: [Int], port: OVSDBUUID) async throws(OVSDBError) {
        guard !vlans.isEmpty else { return }
        _ = try await client.transact([
            Op.mutate(
                VTEPPhysicalPort.tableName, where: Op.whereUUID(port),
                [["vlan_stats", "delete", ["set", .array(vlans.sorted().map { .integer($0) })]]])
        ])
    }

    // MARK: Tunnels

    /// `bfd_config_local` as ovs-vtep writes it: where remote VTEPs send
    /// their BFD to us (the schema's defaults, made explicit).
    public static let bfdConfigLocal: [String: String] = ["bfd_dst_ip": "169.254.1.0", "bfd_dst_mac": "00:23:20:00:00:01"]

    /// Keeps the switch's Tunnel rows at exactly one per remote locator in
    /// `remoteIPs`, each from the locator of `localIP`, as ovs-vtep keeps
    /// one per remote tunnel endpoint: missing rows are inserted with
    /// `bfd_config_local`, rows to locators no longer used leave the
    /// switch (and, unreferenced, the database). `bfd_status` is the
    /// session's from `statuses` (by remote IP), or says none runs. One
    /// transaction, none when nothing differs.
    public func setTunnels(
        switch switchID: OVSDBUUID, localIP: String, remoteIPs: Set<String>, statuses: [String: [String: String]] = [:]
    ) async throws(OVSDBError) {
        let db = await client.replica
        guard let physicalSwitch = db.physicalSwitches[switchID] else { return }
        var operations: [JSONValue] = []
        var kept: Set<String> = []
        var stale: [OVSDBOperation.RowReference] = []
        for uuid in physicalSwitch.tunnels.sorted(by: { $0.description < $1.description }) {
            guard let tunnel = db.tunnels[uuid] else { continue }
            guard db.locators[tunnel.local]?.dstIP == localIP, let remote = db.locators[tunnel.remote]?.dstIP,
                remoteIPs.contains(remote), kept.insert(remote).inserted
            else {
                stale.append(.uuid(uuid))
                continue
            }
            var changes: [(String, JSONValue)] = []
            if tunnel.bfdConfigLocal != Self.bfdConfigLocal { changes.append(("bfd_config_local", Self.bfdConfigLocal.datumJSON)) }
            let status = statuses[remote] ?? Self.bfdStatus(params: tunnel.bfdParams)
            if tunnel.bfdStatus != status { changes.append(("bfd_status", status.datumJSON)) }
            if !changes.isEmpty { operations.append(Op.update(VTEPTunnel.tableName, where: Op.whereUUID(uuid), changes)) }
        }
        let missing = remoteIPs.subtracting(kept).sorted()
        var added: [OVSDBOperation.RowReference] = []
        if !missing.isEmpty {
            let local = locatorReference(localIP, in: db, operations: &operations, name: "local")
            for (index, ip) in missing.enumerated() {
                let remote = locatorReference(ip, in: db, operations: &operations, name: "remote\(index)")
                operations.append(
                    Op.insert(
                        VTEPTunnel.tableName,
                        [
                            ("local", local.json), ("remote", remote.json), ("bfd_config_local", Self.bfdConfigLocal.datumJSON),
                            ("bfd_status", Self.bfdStatus(params: [:]).datumJSON),
                        ], uuidName: "tunnel\(index)"))
                added.append(.named("tunnel\(index)"))
            }
        }
        var mutations: [JSONValue] = []
        if !added.isEmpty { mutations.append(["tunnels", "insert", Op.set(added)]) }
        if !stale.isEmpty { mutations.append(["tunnels", "delete", Op.set(stale)]) }
        if !mutations.isEmpty { operations.append(Op.mutate(VTEPPhysicalSwitch.tableName, where: Op.whereUUID(switchID), mutations)) }
        guard !operations.isEmpty else { return }
        _ = try await client.transact(operations)
    }

    /// A tunnel's `bfd_status` with no session running: whether the
    /// controller asked for one (ovs-vtep's `enabled`), and if so that it
    /// has not started yet (it starts after the pass that installs its flow).
    static func bfdStatus(params: [String: String]) -> [String: String] {
        guard params["enable"] == "true" else { return ["enabled": "false"] }
        return ["enabled": "true", "info": "the BFD session is starting"]
    }

    // MARK: Locators

    /// The locator for `ip`: the existing row, or one inserted by an
    /// operation appended to `operations`.
    private func locatorReference(_ ip: String, in db: VTEPDatabase, operations: inout [JSONValue], name: String? = nil)
        -> OVSDBOperation.RowReference
    {
        if let uuid = db.locator(dstIP: ip) { return .uuid(uuid) }
        let uuidName = name ?? "locator_" + ip.map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
        operations.append(
            Op.insert(
                VTEPPhysicalLocator.tableName,
                [
                    ("encapsulation_type", .string(Self.encapsulation)), ("dst_ip", .string(ip)),
                ], uuidName: uuidName))
        return .named(uuidName)
    }
}
