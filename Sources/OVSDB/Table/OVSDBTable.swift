import Foundation

/// How many threads decode a large update: the cores, up to 4. Read once
/// (asking costs a file read), not per update.
private let parallelDecodeParts = min(ProcessInfo.processInfo.activeProcessorCount, 4)

/// The replica's rows of one table, by UUID.
public struct OVSDBTable<Row: OVSDBRow>: Sendable, Equatable {
    /// Every row of the table, by UUID.
    public private(set) var rows: [OVSDBUUID: Row] = [:]

    /// An empty table.
    public init() {}

    /// The row with this UUID, if the table has one.
    public subscript(uuid: OVSDBUUID) -> Row? { rows[uuid] }
    /// The number of rows.
    public var count: Int { rows.count }
    /// Whether the table has no rows.
    public var isEmpty: Bool { rows.isEmpty }

    /// Applies this table's part of a table-updates object:
    /// `{"<uuid>": <row-update>, …}`, appending `wrap` of each row change to `changes`.
    /// - Throws: `JSONError` at the first malformed row update.
    public mutating func apply<Change>(
        _ reader: inout JSONReader, format: OVSDBUpdateFormat, changes: inout [Change],
        _ wrap: (RowChange<Row>) -> Change
    ) throws(JSONError) {
        try apply(
            &reader, format: format, changes: &changes, decodingInParallelFrom: Self.parallelDecodeRows,
            parts: parallelDecodeParts, wrap)
    }

    /// The fewest bytes a row's member of a table update takes:
    /// `"<36-character UUID>":{}` — what bounds a look-ahead's row count.
    static var minimumRowUpdateBytes: Int { 41 }

    /// From this many rows in one update (a bulk commit, an initial
    /// monitor), rows are decoded on more than one core.
    static var parallelDecodeRows: Int { 8192 }

    /// `apply`, decoding in `parts` runs from `parallelRows` rows on, and
    /// counting rows ahead only in objects longer than `lookAheadBytes`.
    mutating func apply<Change>(
        _ reader: inout JSONReader, format: OVSDBUpdateFormat, changes: inout [Change],
        decodingInParallelFrom parallelRows: Int, parts: Int, lookAheadBytes: Int = 256 * 1024,
        _ wrap: (RowChange<Row>) -> Change
    ) throws(JSONError) {
        // A bulk insert (more rows than the table holds): room for them all
        // at once. Only then, so deleting every row never grows the table.
        let members = reader.countObjectMembers(ifLongerThan: lookAheadBytes, minimumMemberBytes: Self.minimumRowUpdateBytes)
        if let members, members > rows.count {
            rows.reserveCapacity(rows.count + members)
            changes.reserveCapacity(changes.count + members)
        }
        if parts > 1, let members, members >= parallelRows {
            try applyInParallel(&reader, parts: parts, format: format, changes: &changes, wrap)
            return
        }
        try reader.readObjectRawNames { (reader, uuidText) throws(JSONError) in
            let uuid = try Self.rowUUID(uuidText, reader)
            let old = rows[uuid]
            let new = try Self.decodeRowUpdate(uuid, old: old, &reader, format: format)
            if let change = store(uuid, old: old, new: new) { changes.append(wrap(change)) }
        }
    }

    /// A large update: its rows' byte ranges are found on this thread, the
    /// rows decoded in `parts` contiguous runs on as many threads — each row
    /// update depends only on its own bytes and the row it replaces — and
    /// stored here in the update's order, so the table, the changes and the
    /// first error are the ones decoding row by row would give.
    private mutating func applyInParallel<Change>(
        _ reader: inout JSONReader, parts: Int, format: OVSDBUpdateFormat,
        changes: inout [Change], _ wrap: (RowChange<Row>) -> Change
    ) throws(JSONError) {
        var spans: [(uuid: OVSDBUUID, value: Range<Int>)] = []
        var scanError: JSONError?
        do {
            try reader.readObjectRawNames { (reader, uuidText) throws(JSONError) in
                spans.append((try Self.rowUUID(uuidText, reader), try reader.skipValueRange()))
            }
        } catch {
            // Rows before the fault are still applied, as row by row.
            scanError = error
        }
        let runs = DecodedRuns<Row>(count: parts)
        let table = rows, found = spans
        // Unchecked: the bytes under the reader stay alive and unchanged
        // until this method returns, and the threads only read them.
        nonisolated(unsafe) let source = reader
        let runLength = (spans.count + parts - 1) / parts
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let run = min(part * runLength, found.count)..<min((part + 1) * runLength, found.count)
            var decoded: [Result<Row?, JSONError>] = []
            decoded.reserveCapacity(run.count)
            for index in run {
                let (uuid, value) = found[index]
                var rowReader = source.reader(over: value)
                do throws(JSONError) {
                    decoded.append(.success(try Self.decodeRowUpdate(uuid, old: table[uuid], &rowReader, format: format)))
                } catch {
                    decoded.append(.failure(error))
                    break
                }
            }
            runs.set(part, decoded)
        }
        var index = 0
        for part in 0..<parts {
            for result in runs.take(part) {
                let uuid = spans[index].uuid
                index += 1
                let old = rows[uuid]
                switch result {
                case .success(let new): if let change = store(uuid, old: old, new: new) { changes.append(wrap(change)) }
                case .failure(let error): throw error
                }
            }
        }
        if let scanError { throw scanError }
    }

    private static func rowUUID(_ text: UnsafeRawBufferPointer, _ reader: JSONReader) throws(JSONError) -> OVSDBUUID {
        guard let uuid = OVSDBUUID.parse(text) else {
            throw reader.error("\"\(String(decoding: text, as: UTF8.self))\" is not a row UUID")
        }
        return uuid
    }

    /// The row as `<row-update>` leaves it (nil: deleted), from the row it
    /// replaces.
    private static func decodeRowUpdate(_ uuid: OVSDBUUID, old: Row?, _ reader: inout JSONReader, format: OVSDBUpdateFormat)
        throws(JSONError) -> Row?
    {
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
        return new
    }

    private mutating func store(_ uuid: OVSDBUUID, old: Row?, new: Row?) -> RowChange<Row>? {
        rows[uuid] = new
        switch (old, new) {
        case (nil, let new?): return .insert(uuid, new)
        case (let old?, let new?): return old == new ? nil : .modify(uuid, old: old, new: new)
        case (let old?, nil): return .delete(uuid, old)
        case (nil, nil): return nil
        }
    }

    /// The changes that turn this table into `other`.
    public func changes(to other: OVSDBTable<Row>) -> [RowChange<Row>] {
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

/// The decoding threads' results, one slot per run: each thread writes only
/// its own slot, and the caller reads them after `concurrentPerform`
/// returns, which orders the two.
private final class DecodedRuns<Row>: @unchecked Sendable {
    private var runs: [[Result<Row?, JSONError>]]
    init(count: Int) { runs = Array(repeating: [], count: count) }
    func set(_ index: Int, _ run: [Result<Row?, JSONError>]) { runs[index] = run }
    func take(_ index: Int) -> [Result<Row?, JSONError>] { runs[index] }
}
