import ArgumentParser
import VTEPCompiler

/// `--local-mac MAC@PORT`, read the one way every subcommand reads it.
extension LocalMAC: ExpressibleByArgument {
    /// Parses `MAC@PORT` (untagged); nil, which ArgumentParser reports as
    /// an invalid value, for anything else.
    public init?(argument: String) { self.init(parsing: argument) }
}
