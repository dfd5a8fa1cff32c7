/// A BFD session's state (RFC 5880 §4.1, the `Sta` field).
public enum BFDState: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case adminDown = 0
    case down = 1
    case initializing = 2
    case up = 3

    /// As OVS writes it in `bfd_status:state`.
    public var description: String {
        switch self {
        case .adminDown: "admin_down"
        case .down: "down"
        case .initializing: "init"
        case .up: "up"
        }
    }
}

/// Why a session last left Up, or why the remote says it is down
/// (RFC 5880 §4.1, the `Diag` field).
public enum BFDDiagnostic: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case none = 0
    case controlDetectionTimeExpired = 1
    case echoFunctionFailed = 2
    case neighborSignaledSessionDown = 3
    case forwardingPlaneReset = 4
    case pathDown = 5
    case concatenatedPathDown = 6
    case administrativelyDown = 7
    case reverseConcatenatedPathDown = 8

    /// As OVS writes it in `bfd_status:diagnostic`.
    public var description: String {
        switch self {
        case .none: "No Diagnostic"
        case .controlDetectionTimeExpired: "Control Detection Time Expired"
        case .echoFunctionFailed: "Echo Function Failed"
        case .neighborSignaledSessionDown: "Neighbor Signaled Session Down"
        case .forwardingPlaneReset: "Forwarding Plane Reset"
        case .pathDown: "Path Down"
        case .concatenatedPathDown: "Concatenated Path Down"
        case .administrativelyDown: "Administratively Down"
        case .reverseConcatenatedPathDown: "Reverse Concatenated Path Down"
        }
    }
}
