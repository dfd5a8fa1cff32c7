import ArgumentParser
import Logging
import OVSDB
import VTEPModel
import VTEPOffload

/// A short-lived connection to the VTEP database for one-shot commands
/// (`sync`, `status`): connect, wait for the first full replica, and
/// disconnect when done.
struct DatabaseSession {
    let client: OVSDBClient<VTEPDatabase>
    private let task: Task<Void, Never>

    /// Fails with a one-line error if `remote` has not answered within `timeout` seconds.
    init(remote: String, tls: OVSDBTLSFiles? = nil, timeout: Int, logger: Logger) async throws {
        let client = OVSDBClient<VTEPDatabase>(remotes: [try OVSDBRemote(parsing: remote)], tls: tls, logger: logger)
        self.client = client
        task = Task { await client.run() }
        let deadline = ContinuousClock.now + .seconds(timeout)
        while await !client.isSynced {
            guard ContinuousClock.now < deadline else {
                task.cancel()
                throw ValidationError("the VTEP database at \(remote) did not answer within \(timeout) s")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func close() { task.cancel() }
}
