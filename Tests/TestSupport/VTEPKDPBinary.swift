import Foundation

/// The vtep-kdp executable the tests run: the build configuration's own,
/// or `VTEPKDP_BINARY`.
package enum VTEPKDPBinary {
    /// Its path, relative to the package root (where the tests run).
    package static var path: String {
        #if DEBUG
        let configuration = "debug"
        #else
        let configuration = "release"
        #endif
        return ProcessInfo.processInfo.environment["VTEPKDP_BINARY"] ?? ".build/\(configuration)/vtep-kdp"
    }
}
