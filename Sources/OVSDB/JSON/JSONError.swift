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
