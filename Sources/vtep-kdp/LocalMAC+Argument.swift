import ArgumentParser
import VTEPCompiler

/// `--local-mac MAC@PORT`, read the one way every subcommand reads it.
extension LocalMAC: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
}
