/// Many netlink requests encoded back to back into one buffer, ready to be
/// sent several per `sendmsg` straight from that buffer.
///
/// This is the hot path of a large flow install: a request costs one header
/// placeholder and its attributes in a shared buffer — no array, closure or
/// copy of its own. The socket stamps sequence numbers and its port id into
/// the headers in place when it sends.
public struct NetlinkBatch: Sendable {
    /// Every message's bytes, one after the other (each already aligned).
    public private(set) var writer: NetlinkAttributeWriter
    /// Where each message starts in `writer.bytes`.
    public private(set) var starts: [Int] = []
    /// Each message's operation, for errors ("create flow").
    public private(set) var operations: [String] = []
    /// Messages that grew an attribute past 64 KiB: never sent.
    public private(set) var oversized: Set<Int> = []

    /// An empty batch with room for `capacity` bytes and `messages` messages.
    public init(reservingBytes capacity: Int = 64 * 1024, messages: Int = 0) {
        writer = NetlinkAttributeWriter(reservingCapacity: capacity)
        starts.reserveCapacity(messages)
        operations.reserveCapacity(messages)
    }

    /// The number of messages in the batch.
    public var count: Int { starts.count }
    /// Whether the batch holds no message.
    public var isEmpty: Bool { starts.isEmpty }

    /// The byte range of message `index`.
    public func range(of index: Int) -> Range<Int> {
        starts[index]..<(index + 1 < starts.count ? starts[index + 1] : writer.bytes.count)
    }

    /// Appends one generic netlink request: `nlmsghdr`, `genlmsghdr`, the
    /// `ovs_header` when `dpIfindex` is given, then what `body` writes.
    public mutating func appendGeneric(
        family: UInt16, command: UInt8, version: UInt8, flags: UInt16, dpIfindex: Int32?,
        operation: String, _ body: (inout NetlinkAttributeWriter) -> Void
    ) {
        let start = beginMessage(type: family, flags: flags, operation: operation)
        writer.appendFixed(GenericHeader(command: command, version: version))
        if let dpIfindex { writer.appendFixed(dpIfindex) }
        body(&writer)
        endMessage(startingAt: start)
    }

    /// Appends a request built the general way.
    public mutating func append(_ request: NetlinkRequest) {
        let start = beginMessage(type: request.type, flags: request.flags, operation: request.operation)
        writer.bytes.append(contentsOf: request.body.bytes)
        endMessage(startingAt: start)
        if request.body.overflowed { oversized.insert(starts.count - 1) }
    }

    private mutating func beginMessage(type: UInt16, flags: UInt16, operation: String) -> Int {
        let start = writer.bytes.count
        starts.append(start)
        operations.append(operation)
        writer.resetOverflow()
        writer.appendFixed(
            MessageHeader(
                length: 0, type: type, flags: flags | NetlinkConstants.flagRequest,
                sequence: 0, portID: 0))
        return start
    }

    private mutating func endMessage(startingAt start: Int) {
        let length = UInt32(writer.bytes.count - start)
        writer.bytes.withUnsafeMutableBytes { $0.storeBytes(of: length, toByteOffset: start, as: UInt32.self) }
        if writer.overflowed { oversized.insert(starts.count - 1) }
    }

    /// Stamps sequence and port id into message `index` before it is sent.
    package mutating func stamp(_ index: Int, sequence: UInt32, portID: UInt32) {
        let start = starts[index]
        writer.bytes.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: sequence, toByteOffset: start + 8, as: UInt32.self)
            raw.storeBytes(of: portID, toByteOffset: start + 12, as: UInt32.self)
        }
    }
}
