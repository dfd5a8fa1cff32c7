import OVSDB

// Typed rows of the hardware_vtep schema (vtep.ovsschema 1.x), one struct
// per table, holding every column. Column types follow the schema: a
// required atom is a plain value, min 0 / max 1 an Optional, max > 1 a Set,
// a map a Dictionary.

/// A set of row references: a column of type `set of <table>` in the schema.
public typealias UUIDSet = Set<OVSDBUUID>
/// A string-to-string map column, such as every table's `other_config`.
public typealias StringMap = [String: String]
