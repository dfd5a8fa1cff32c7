/// vtep-kdp's version, as `--version` and the VTEP database's logs show it.
enum Version {
    /// Bumped with each release; the Debian package takes its version from here.
    static let number = "0.2.0"
    /// OVS style: `vtep-kdp (vtep-kdp) 0.2.0`.
    static let text = "vtep-kdp (vtep-kdp) \(number)"
}
