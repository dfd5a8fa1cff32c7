extension Array where Element == UInt8 {
    /// Runs `body` with a reader over `range` of these bytes (all of them by default).
    public func withJSONReader<T>(range: Range<Int>? = nil, _ body: (inout JSONReader) throws(JSONError) -> T) throws(JSONError) -> T {
        let result: Result<T, JSONError> = withUnsafeBytes { raw in
            var reader = JSONReader(raw, range: range)
            do throws(JSONError) { return .success(try body(&reader)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}

/// Why a JSON text did not read: what was wrong, and at which byte.
public struct JSONError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The byte offset in the input where reading failed.
    public var offset: Int
    /// What was wrong, in words.
    public var reason: String
    /// An error at `offset` saying `reason`.
    public init(offset: Int, reason: String) { self.offset = offset; self.reason = reason }
    /// `reason at byte offset`.
    public var description: String { "\(reason) at byte \(offset)" }
}
