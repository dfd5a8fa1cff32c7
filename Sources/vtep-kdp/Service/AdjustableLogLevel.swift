import Foundation
import Logging

/// The daemon's log level, changeable while it runs (`ovs-appctl -t
/// vtep-kdp vlog/set dbg`): every logger's handler reads it here instead
/// of keeping a copy, since swift-log hands each logger its own handler.
final class LogLevelControl: @unchecked Sendable {
    static let shared = LogLevelControl()
    private let lock = NSLock()
    private var current: Logger.Level = .info

    var level: Logger.Level {
        get { lock.withLock { current } }
        set { lock.withLock { current = newValue } }
    }

    /// OVS's level names, as vlog/set takes and vlog/list prints them.
    static let names: [(ovs: String, level: Logger.Level)] = [
        ("emer", .critical), ("err", .error), ("warn", .warning), ("info", .info), ("dbg", .debug),
    ]

    /// The OVS name of `level` (swift-log's notice counts as info, trace as dbg).
    static func name(of level: Logger.Level) -> String {
        switch level {
        case .critical: "emer"
        case .error: "err"
        case .warning: "warn"
        case .notice, .info: "info"
        case .debug, .trace: "dbg"
        }
    }
}

/// A stream handler whose level is `LogLevelControl.shared`'s.
struct AdjustableLogHandler: LogHandler {
    var inner: StreamLogHandler

    var logLevel: Logger.Level {
        get { LogLevelControl.shared.level }
        set { LogLevelControl.shared.level = newValue }
    }
    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) { inner.log(event: event) }
}
