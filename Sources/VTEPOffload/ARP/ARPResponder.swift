import Logging
import Metrics
import OVSDatapathCore
import OVSDatapathNL
import Synchronization
import VTEPCompiler

/// Answers the ARP requests that switches with ARP suppression send up
/// (`ARPSuppression`), on the upcall listener's thread as they arrive:
/// the reply, or the request flooded as the switch would have, leaves by
/// EXECUTE in the same call, through a netlink socket of its own. A port
/// sending more than `rate` requests a second has the rest flooded
/// unanswered, never dropped. Counts what it did, in the log every 10 s
/// (when anything happened) and in the metrics.
public final class ARPResponder: Sendable {
    /// Requests answered a second per port, and the burst allowed above it.
    static let rate = 100.0, burst = 200.0

    /// What was done with the requests.
    public struct Counts: Sendable, Equatable {
        public var answered = 0, flooded = 0, rateLimited = 0, failed = 0
    }

    private struct State: ~Copyable {
        var connection: DatapathConnection
        var datapath: Datapath?
        var answering = ARPAnswering()
        var buckets: [UInt32: TokenBucket] = [:]
        var counts = Counts()
        var reported = Counts()
        var lastReport = ContinuousClock.now
    }

    private let state: Mutex<State>
    private let logger: Logger
    private static let answered = Counter(label: "vtep_kdp_arp_requests_total", dimensions: [("outcome", "answered")])
    private static let flooded = Counter(label: "vtep_kdp_arp_requests_total", dimensions: [("outcome", "flooded")])
    private static let rateLimited = Counter(label: "vtep_kdp_arp_requests_total", dimensions: [("outcome", "rate_limited")])

    /// A responder sending through `connection` (its own).
    public init(connection: sending DatapathConnection, logger: Logger) {
        state = Mutex(State(connection: connection))
        self.logger = logger
    }

    /// What the last pass compiled: the answers, and how each port replies and floods.
    public func configure(_ answering: ARPAnswering, datapath: Datapath) {
        state.withLock {
            $0.answering = answering
            $0.datapath = datapath
        }
    }

    /// What was done so far.
    public var counts: Counts { state.withLock { $0.counts } }

    /// Handles one request sent up by an answering flow (`ARPSuppression.isRequest`).
    public func deliver(_ upcall: Upcall) {
        guard let inPort = upcall.inPort, let vni = RecirculationID(rawValue: upcall.recirculationID).vni else { return }
        let port = ARPAnswering.Port(vni: vni, portNumber: inPort)
        let report = state.withLock { state -> String? in
            // A switch whose suppression just went away: its flows go with the next pass.
            guard let datapath = state.datapath, let reply = state.answering.replyActions[port],
                let flood = state.answering.floodActions[port]
            else { return nil }
            var actions = flood, packet = upcall.packet
            if !state.buckets[inPort, default: TokenBucket(rate: Self.rate, burst: Self.burst)].take() {
                state.counts.rateLimited += 1
                Self.rateLimited.increment()
            } else if case .reply(let frame) = ARPReply.answer(upcall.packet, from: state.answering.answers[vni] ?? [:]) {
                (actions, packet) = (reply, frame)
                state.counts.answered += 1
                Self.answered.increment()
            } else {
                state.counts.flooded += 1
                Self.flooded.increment()
            }
            do throws(NetlinkError) {
                try state.connection.execute(packet: packet, metadata: upcall.key, actions: actions, in: datapath)
            } catch {
                state.counts.failed += 1
                DaemonMetrics.kernelError(error)
            }
            return summary(&state)
        }
        if let report { logger.info("\(report)") }
    }

    /// A line for the log every 10 s at most, when something happened.
    private func summary(_ state: inout State) -> String? {
        let now = ContinuousClock.now
        guard now - state.lastReport >= .seconds(10), state.counts != state.reported else { return nil }
        let (new, old) = (state.counts, state.reported)
        state.reported = new
        state.lastReport = now
        return
            "arp suppression: \(new.answered - old.answered) request(s) answered, \(new.flooded - old.flooded) flooded (no answer known), "
            + "\(new.rateLimited - old.rateLimited) flooded over the rate of \(Int(Self.rate))/s per port"
            + (new.failed > old.failed ? ", \(new.failed - old.failed) could not be sent" : "") + " since the last report"
    }
}
