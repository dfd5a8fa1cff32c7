/// One command of a unixctl control socket, as `ovs-appctl` calls it:
/// `ovs-appctl -t TARGET NAME ARG...`.
public struct UnixctlCommand: Sendable {
    /// What a command answers: text for ovs-appctl to print, or an error
    /// it prints to standard error (and exits 2).
    public typealias Reply = Result<String, UnixctlError>
    /// The name ovs-appctl gives, `vlog/set` say.
    public let name: String
    /// The arguments' synopsis `list-commands` prints, e.g. `[SWITCH]`.
    public let usage: String
    /// How many arguments it takes.
    public let arguments: ClosedRange<Int>
    /// Runs the command with its arguments (already counted).
    public let run: @Sendable ([String]) async -> Reply

    /// A command `name` taking `arguments` arguments, described by `usage`.
    public init(
        _ name: String, usage: String = "", arguments: ClosedRange<Int> = 0...0, run: @escaping @Sendable ([String]) async -> Reply
    ) {
        self.name = name
        self.usage = usage
        self.arguments = arguments
        self.run = run
    }
}

/// A command's refusal, sent back as the reply's `error`.
public struct UnixctlError: Error, Sendable, CustomStringConvertible {
    /// The line ovs-appctl prints.
    public let description: String
    /// An error saying `description`.
    public init(_ description: String) { self.description = description }
}
