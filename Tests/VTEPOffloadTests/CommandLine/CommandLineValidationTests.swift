import TestSupport
import Testing

/// Values that used to trap (SIGILL) or make no sense are usage errors:
/// exit status 64 and a line naming the option, before anything starts.
@Suite struct CommandLineValidationTests {
    @Test(arguments: [
        ["--mac-aging-time", "-1"], ["--mac-aging-time=nan"], ["--mac-aging-time", "inf"], ["--mac-aging-time", "0"],
        ["--mac-aging-time", "1e300"], ["--mac-limit", "0"], ["--mac-limit=-5"], ["--vxlan-port", "0"],
        ["--bulk-install-sockets", "3"], ["--local-mac", "not-a-mac@p0"], ["--private-key", "key.pem"],
        ["--ca-cert", "ca.pem", "--certificate", "cert.pem"],
    ])
    func aBadValueIsAUsageError(arguments: [String]) throws {
        let result = try ChildProcess.run(VTEPKDPBinary.path, ["run"] + arguments + ["br0"])
        #expect(result.status == 64, "\(arguments): exit \(result.status): \(result.errors)")
        let option = arguments[0].split(separator: "=")[0]
        #expect(result.errors.contains(option), "\(arguments): \(result.errors)")
    }

    /// The accepted range's edges are accepted (the run then stops at the
    /// first thing the host lacks, never at the value).
    @Test func goodValuesPassValidation() throws {
        let result = try ChildProcess.run(VTEPKDPBinary.path, ["run", "--mac-aging-time", "1.5", "--mac-limit", "1", "--help"])
        #expect(result.status == 0, "\(result.errors)")
    }

    /// `--version` as OVS daemons print it; the TLS options on every command that reads the database.
    @Test func versionAndTLSOptionsAreThereAsInOVS() throws {
        let version = try ChildProcess.run(VTEPKDPBinary.path, ["--version"])
        #expect(version.status == 0 && version.output.hasPrefix("vtep-kdp (vtep-kdp) "), "\(version.output)")
        for command in ["run", "status", "sync"] {
            let help = try ChildProcess.run(VTEPKDPBinary.path, [command, "--help"])
            for option in ["--private-key", "--certificate", "--ca-cert"] {
                #expect(help.output.contains(option), "\(command) --help lacks \(option)")
            }
        }
    }
}
