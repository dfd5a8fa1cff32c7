import CNetlink
import OVSDatapathCore

/// The way into the openvswitch kernel module: one generic netlink socket
/// plus the module's resolved families. Datapath, vport (and later flow and
/// packet) operations are extensions of this type, one file each.
///
/// Single owner, like the socket under it.
public final class DatapathConnection {
    /// The generic netlink socket every request of this connection goes through.
    public let socket: NetlinkSocket
    /// The openvswitch families' ids and versions, resolved when connecting
    /// and again by `refreshFamilies` (a reloaded module numbers them anew).
    public private(set) var families: OVSFamilies

    /// Fails with `.familyUnavailable` when the openvswitch module is absent.
    public init() throws(NetlinkError) {
        families = try OVSFamilies.resolve()
        socket = try NetlinkSocket(protocol: NETLINK_GENERIC)
    }

    /// Asks the kernel for the families again and uses what it says from
    /// now on. A reloaded openvswitch module registers them under new ids,
    /// and the kernel answers a request to an old one with ENOENT.
    /// - Returns: whether they changed.
    /// - Throws: `.familyUnavailable` while the module is absent.
    @discardableResult
    public func refreshFamilies() throws(NetlinkError) -> Bool {
        let now = try OVSFamilies.resolve()
        defer { families = now }
        return now != families
    }

    func request(
        _ family: GenericNetlinkFamily, _ command: UInt8, dpIfindex: Int32, flags: UInt16 = 0,
        operation: String, object: @autoclosure @escaping @Sendable () -> String
    ) -> NetlinkRequest {
        Self.request(family, command, dpIfindex: dpIfindex, flags: flags, operation: operation, object: object())
    }

    /// The same without a connection, for encoding off the owning thread.
    static func request(
        _ family: GenericNetlinkFamily, _ command: UInt8, dpIfindex: Int32, flags: UInt16 = 0,
        operation: String, object: @autoclosure @escaping @Sendable () -> String
    ) -> NetlinkRequest {
        .generic(
            family: family.id, command: command, version: family.version, flags: flags,
            dpIfindex: dpIfindex, operation: operation, object: object())
    }

    /// Runs one decoder over a reply, turning a parse failure into an error
    /// that names the operation.
    func decode<T>(
        _ message: NetlinkMessage, operation: String, object: String,
        _ body: (NetlinkMessage) throws(NetlinkDecodingError) -> T
    ) throws(NetlinkError) -> T {
        do { return try body(message) } catch { throw NetlinkError(operation: operation, object: object, cause: .malformedReply(error)) }
    }

    func single<T>(
        _ replies: [NetlinkMessage], operation: String, object: String,
        _ body: (NetlinkMessage) throws(NetlinkDecodingError) -> T
    ) throws(NetlinkError) -> T {
        guard let reply = replies.first else {
            throw NetlinkError(
                operation: operation, object: object,
                cause: .malformedReply(NetlinkDecodingError(attributeType: nil, reason: "no reply")))
        }
        return try decode(reply, operation: operation, object: object, body)
    }
}
