/// What a client needs of a server's schema (`get_schema`'s reply): its
/// version, and the columns of each table, so that it monitors and writes
/// only what the server has.
struct ServerSchema: Sendable {
    /// The schema's `version` ("1.7.0"); empty when the reply had none.
    var version = ""
    /// Column names by table name.
    var columns: [String: Set<String>] = [:]

    init() {}

    /// Reads a schema object, skipping all but the version and the column names.
    init(reading reader: inout JSONReader) throws(JSONError) {
        var version = "", columns: [String: Set<String>] = [:]
        try reader.readObject { (reader, name) throws(JSONError) in
            switch name {
            case "version": version = try reader.readString()
            case "tables":
                try reader.readObject { (reader, table) throws(JSONError) in
                    var names: Set<String> = []
                    try reader.readObject { (reader, field) throws(JSONError) in
                        guard field == "columns" else { return try reader.skipValue() }
                        try reader.readObject { (reader, column) throws(JSONError) in
                            names.insert(column)
                            try reader.skipValue()
                        }
                    }
                    columns[table] = names
                }
            default: try reader.skipValue()
            }
        }
        self.version = version
        self.columns = columns
    }
}
