/// A typed row of one table: decodes the columns it knows straight from the
/// wire and leaves any other column alone.
///
/// Each column's schema name is written once, as the raw value of a case
/// of `Column`; the monitor asks for `Column.allCases`, and `decode`'s
/// switch over `Column` must handle every case, so a column cannot be
/// monitored and then silently dropped, or decoded under a misspelt name.
public protocol OVSDBRow: Sendable, Equatable {
    /// The row's columns, by their names in the schema.
    associatedtype Column: RawRepresentable, CaseIterable where Column.RawValue == String

    /// The table's name in the schema.
    static var tableName: String { get }
    /// A row with every column at its schema default.
    init()
    /// Decodes `column` into the row: a whole new value, or with `diff`
    /// an update2 diff applied to the current one.
    mutating func decode(_ column: Column, from reader: inout JSONReader, diff: Bool) throws(JSONError)
}

extension OVSDBRow {
    /// The columns to monitor — every column the type holds.
    public static var columnNames: [String] { Column.allCases.map(\.rawValue) }

    /// Decodes column `name` into the row; a column the type does not hold is skipped.
    public mutating func decodeColumn(_ name: String, from reader: inout JSONReader, diff: Bool) throws(JSONError) {
        guard let column = Column(rawValue: name) else { return try reader.skipValue() }
        try decode(column, from: &reader, diff: diff)
    }

    /// Decodes a `<row>` object (all columns, or the changed ones).
    mutating func decode(_ reader: inout JSONReader, diff: Bool) throws(JSONError) {
        try reader.readObject { (reader, name) throws(JSONError) in
            try self.decodeColumn(name, from: &reader, diff: diff)
        }
    }
}

/// Decodes one column into `field`, replacing it or applying a diff: the
/// one line each row type writes per column.
@inline(__always)
public func decodeColumn<Value: OVSDBColumnValue>(_ field: inout Value, _ reader: inout JSONReader, diff: Bool) throws(JSONError) {
    let value = try Value.decodeDatum(&reader)
    if diff { field.applyDiff(value) } else { field = value }
}

/// What happened to one row.
public enum RowChange<Row: OVSDBRow>: Sendable, Equatable {
    case insert(OVSDBUUID, Row)
    case modify(OVSDBUUID, old: Row, new: Row)
    case delete(OVSDBUUID, Row)

    /// The UUID of the row that changed.
    public var uuid: OVSDBUUID {
        switch self {
        case .insert(let uuid, _), .modify(let uuid, _, _), .delete(let uuid, _): uuid
        }
    }

    /// The row as it is now; nil once deleted.
    public var current: Row? {
        switch self {
        case .insert(_, let row), .modify(_, _, let row): row
        case .delete: nil
        }
    }
}
