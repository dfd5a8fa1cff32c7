/// Appends netlink attributes (`struct nlattr` + payload, padded to 4 bytes)
/// to a growing byte buffer. Integers are written in host order unless the
/// method says big-endian (`be16`, `be32`, `be64`), as the kernel's policies
/// expect.
///
/// The writer is a value: a message builder owns one and hands it to callers
/// as `inout`, so building a message never allocates per attribute.
public struct NetlinkAttributeWriter: Sendable {
    /// Every byte written so far, including any fixed headers placed before
    /// the first attribute.
    public internal(set) var bytes: [UInt8]

    /// Set when an attribute grew past netlink's 64 KiB length field. The
    /// message is then invalid and the socket refuses to send it.
    public private(set) var overflowed = false

    /// An empty writer with room for `capacity` bytes before it must grow.
    public init(reservingCapacity capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    // MARK: Scalars

    /// Appends a `u8` attribute.
    public mutating func put(_ type: UInt16, u8 value: UInt8) { putRaw(type, value) }
    /// Appends a `u16` attribute, host order.
    public mutating func put(_ type: UInt16, u16 value: UInt16) { putRaw(type, value) }
    /// Appends a `u32` attribute, host order.
    public mutating func put(_ type: UInt16, u32 value: UInt32) { putRaw(type, value) }
    /// Appends a `u64` attribute, host order.
    public mutating func put(_ type: UInt16, u64 value: UInt64) { putRaw(type, value) }
    /// Appends a `be16` attribute: `value` in network byte order.
    public mutating func put(_ type: UInt16, be16 value: UInt16) { putRaw(type, value.bigEndian) }
    /// Appends a `be32` attribute: `value` in network byte order.
    public mutating func put(_ type: UInt16, be32 value: UInt32) { putRaw(type, value.bigEndian) }
    /// Appends a `be64` attribute: `value` in network byte order.
    public mutating func put(_ type: UInt16, be64 value: UInt64) { putRaw(type, value.bigEndian) }

    /// A NUL-terminated string, as `NLA_NUL_STRING` and `NLA_STRING` policies accept.
    public mutating func put(_ type: UInt16, string value: String) {
        var utf8 = Array(value.utf8)
        utf8.append(0)
        put(type, bytes: utf8)
    }

    /// A zero-length attribute whose presence is the value (`NLA_FLAG`).
    public mutating func putFlag(_ type: UInt16) {
        put(type, bytes: [UInt8]())
    }

    /// Appends an attribute whose payload is `payload`, as is, padded to 4 bytes.
    public mutating func put<Bytes: Collection>(_ type: UInt16, bytes payload: Bytes) where Bytes.Element == UInt8 {
        appendHeader(type: type, payloadLength: payload.count)
        bytes.append(contentsOf: payload)
        pad()
    }

    /// An array of host-order u32 values, as `OVS_VPORT_ATTR_UPCALL_PID` and
    /// `OVS_DP_ATTR_PER_CPU_PIDS` carry.
    public mutating func put(_ type: UInt16, u32Array values: [UInt32]) {
        appendHeader(type: type, payloadLength: values.count * 4)
        for value in values { appendScalar(value) }
        pad()
    }

    /// A nested attribute: `body` appends the inner attributes, then the outer
    /// header's length is patched to cover them.
    public mutating func nest(_ type: UInt16, _ body: (inout NetlinkAttributeWriter) throws -> Void) rethrows {
        let start = bytes.count
        appendHeader(type: type, payloadLength: 0)
        try body(&self)
        patchLength(at: start, to: bytes.count - start)
    }

    // MARK: Fixed headers

    /// Appends any fixed-size value's bytes (a C struct header, say) without
    /// an attribute header, padded to the netlink alignment.
    public mutating func appendFixed<T: BitwiseCopyable>(_ value: T) {
        appendScalar(value)
        pad()
    }

    // MARK: Internals

    /// Lets one buffer hold many messages, each checked on its own.
    package mutating func resetOverflow() { overflowed = false }

    package mutating func patchLength(at offset: Int, to length: Int) {
        if length > Int(UInt16.max) { overflowed = true }
        let value = UInt16(clamping: length)
        bytes[offset] = UInt8(truncatingIfNeeded: value)
        bytes[offset + 1] = UInt8(truncatingIfNeeded: value >> 8)
    }

    private mutating func putRaw<T: FixedWidthInteger & BitwiseCopyable>(_ type: UInt16, _ value: T) {
        appendHeader(type: type, payloadLength: MemoryLayout<T>.size)
        appendScalar(value)
        pad()
    }

    private mutating func appendHeader(type: UInt16, payloadLength: Int) {
        let length = NetlinkLayout.attributeHeaderLength + payloadLength
        if length > Int(UInt16.max) { overflowed = true }
        // `struct nlattr` is two host-order u16s: length, then type.
        appendScalar(UInt32(UInt16(clamping: length)) | UInt32(type) << 16)
    }

    // Small values are appended byte by byte: `Array.append(_:)` inlines to
    // a capacity check and a store, while `append(contentsOf:)` is a call
    // with a generic copy loop — most of the cost of encoding a large flow
    // batch when it ran for every 4-byte header.
    @inline(__always)
    private mutating func appendScalar<T: BitwiseCopyable>(_ value: T) {
        withUnsafeBytes(of: value) { raw in
            for byte in raw { bytes.append(byte) }
        }
    }

    @inline(__always)
    private mutating func pad() {
        var missing = NetlinkLayout.align(bytes.count) - bytes.count
        while missing > 0 { bytes.append(0); missing -= 1 }
    }
}
