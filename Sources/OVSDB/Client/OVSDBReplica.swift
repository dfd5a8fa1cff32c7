/// A client-side copy of the monitored part of one database, kept current
/// by the `OVSDBClient` from monitor replies and update notifications.
///
/// The replica decodes table updates itself (straight from the JSON bytes
/// into its typed rows) and reports what each update changed, so a consumer
/// sees a stream of typed changes rather than rows to compare.
public protocol OVSDBReplica: Sendable {
    associatedtype Change: Sendable

    init()

    static var databaseName: String { get }
    /// The schema versions the replica understands: same major, at least this minor.
    static var requiredSchemaVersion: OVSDBSchemaVersion { get }
    /// Monitored tables and, for each, its columns (all that it decodes).
    static var monitoredTables: [(table: String, columns: [String])] { get }

    /// Applies a `<table-updates>` (update) or `<table-updates2>` (update2)
    /// object, appending one change per row it inserts, modifies or deletes.
    mutating func apply(_ reader: inout JSONReader, format: OVSDBUpdateFormat, changes: inout [Change]) throws(JSONError)

    /// The changes that turn this replica into `other`: after a reconnect
    /// without `monitor_cond_since`, the fresh copy is compared with the old
    /// one so consumers see only what really changed meanwhile.
    func changes(to other: Self) -> [Change]
}

extension OVSDBReplica {
    /// Applies an `update`, `update2` or `update3` notification's params and
    /// returns update3's transaction id.
    public mutating func applyUpdateNotification(_ message: OVSDBMessage, changes: inout [Change]) throws(JSONError) -> String? {
        guard let params = message.params else { return nil }
        let format: OVSDBUpdateFormat = message.method == "update" ? .update : .update2
        return try message.read(params) { (reader) throws(JSONError) -> String? in
            guard try reader.beginArray() else { throw reader.error("empty update params") }
            try reader.skipValue()  // the monitor id
            guard try reader.nextElement() else { throw reader.error("update without table updates") }
            var transactionID: String?
            if message.method == "update3" {
                transactionID = try reader.readString()
                guard try reader.nextElement() else { throw reader.error("update3 without table updates") }
            }
            try apply(&reader, format: format, changes: &changes)
            guard try !reader.nextElement() else { throw reader.error("extra update params") }
            return transactionID
        }
    }
}

/// Which row-update format a table-updates object uses, which depends on the
/// monitor method that asked for it.
public enum OVSDBUpdateFormat: Sendable {
    /// RFC 7047 `update`: `{"old": row, "new": row}` per row.
    case update
    /// `update2`/`update3`: `{"initial"|"insert"|"modify"|"delete": …}` with column diffs.
    case update2
}

/// A schema version, `major.minor.patch` as a schema's `version` says it.
public struct OVSDBSchemaVersion: Sendable, Comparable, CustomStringConvertible {
    public var major: Int, minor: Int, patch: Int

    /// A version from its numbers.
    public init(major: Int, minor: Int, patch: Int = 0) { self.major = major; self.minor = minor; self.patch = patch }

    /// Parses `major.minor.patch`; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: ".").map { Int($0) }
        guard parts.count == 3, let major = parts[0], let minor = parts[1], let patch = parts[2] else { return nil }
        self.init(major: major, minor: minor, patch: patch)
    }

    /// Same major version and nothing older than `required`.
    public func satisfies(_ required: OVSDBSchemaVersion) -> Bool { major == required.major && self >= required }

    /// Orders versions by major, then minor, then patch.
    public static func < (a: Self, b: Self) -> Bool { (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch) }
    /// `major.minor.patch`.
    public var description: String { "\(major).\(minor).\(patch)" }
}
