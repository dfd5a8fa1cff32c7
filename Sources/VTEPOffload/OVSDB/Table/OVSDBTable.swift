/// The replica's rows of one table, by UUID.
public struct OVSDBTable<Row: OVSDBRow>: Sendable, Equatable {
    public private(set) var rows: [OVSDBUUID: Row] = [:]

    public init() {}

    public subscript(uuid: OVSDBUUID) -> Row? { rows[uuid] }
    public var count: Int { rows.count }
    public var isEmpty: Bool { rows.isEmpty }

    /// Applies this table's part of a table-updates object:
    /// `{"<uuid>": <row-update>, …}`.
    mutating func apply<Change>(_ reader: inout JSONReader, format: OVSDBUpdateFormat, changes: inout [Change],
                                _ wrap: (RowChange<Row>) -> Change) throws(JSONError) {
        // A bulk insert (more rows than the table holds): room for them all
        // at once. Only then, so deleting every row never grows the table.
        if let members = reader.countObjectMembers(ifLongerThan: 256 * 1024), members > rows.count {
            rows.reserveCapacity(rows.count + members)
            changes.reserveCapacity(changes.count + members)
        }
        try reader.readObjectRawNames { (reader, uuidText) throws(JSONError) in
            guard let uuid = OVSDBUUID.parse(uuidText) else {
                throw reader.error("\"\(String(decoding: uuidText, as: UTF8.self))\" is not a row UUID")
            }
            if let change = try applyRowUpdate(uuid, &reader, format: format) { changes.append(wrap(change)) }
        }
    }

    private mutating func applyRowUpdate(_ uuid: OVSDBUUID, _ reader: inout JSONReader, format: OVSDBUpdateFormat) throws(JSONError) -> RowChange<Row>? {
        let old = rows[uuid]
        var new: Row?
        switch format {
        case .update2:
            try reader.readObject { (reader, kind) throws(JSONError) in
                switch kind {
                case "initial", "insert":
                    var row = Row()
                    try row.decode(&reader, diff: false)
                    new = row
                case "modify":
                    guard var row = old else { throw reader.error("modify of unknown row \(uuid)") }
                    try row.decode(&reader, diff: true)
                    new = row
                case "delete":
                    try reader.skipValue()
                    new = nil
                default:
                    throw reader.error("unknown row update \"\(kind)\"")
                }
            }
        case .update:
            // RFC 7047: "new" holds every monitored column (absent on delete).
            try reader.readObject { (reader, member) throws(JSONError) in
                if member == "new" {
                    var row = old ?? Row()
                    try row.decode(&reader, diff: false)
                    new = row
                } else {
                    try reader.skipValue()
                }
            }
        }
        rows[uuid] = new
        switch (old, new) {
        case (nil, let new?): return .insert(uuid, new)
        case (let old?, let new?): return old == new ? nil : .modify(uuid, old: old, new: new)
        case (let old?, nil): return .delete(uuid, old)
        case (nil, nil): return nil
        }
    }

    /// The changes that turn this table into `other`.
    func changes(to other: OVSDBTable<Row>) -> [RowChange<Row>] {
        var changes: [RowChange<Row>] = []
        for (uuid, row) in rows {
            if let new = other.rows[uuid] {
                if new != row { changes.append(.modify(uuid, old: row, new: new)) }
            } else {
                changes.append(.delete(uuid, row))
            }
        }
        for (uuid, row) in other.rows where rows[uuid] == nil {
            changes.append(.insert(uuid, row))
        }
        return changes
    }

    /// For tests and tools: sets a row directly.
    public mutating func set(_ uuid: OVSDBUUID, _ row: Row?) { rows[uuid] = row }
}
