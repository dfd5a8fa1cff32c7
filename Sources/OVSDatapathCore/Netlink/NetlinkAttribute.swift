/// One decoded netlink attribute: its type and a view of its payload inside
/// the received datagram. Nothing is copied until a caller asks for a value.
public struct NetlinkAttribute: Sendable {
    /// The attribute type without the NESTED / NET_BYTEORDER flag bits.
    public let type: UInt16
    /// The flag bits (`NLA_F_NESTED`, `NLA_F_NET_BYTEORDER`) as sent.
    public let flags: UInt16
    /// The payload, without header or padding.
    public let payload: ArraySlice<UInt8>

    /// `NLA_F_NESTED`: the payload is itself a run of attributes.
    public static let nestedFlag: UInt16 = 0x8000
    /// `NLA_F_NET_BYTEORDER`: the payload is in network byte order.
    public static let netByteOrderFlag: UInt16 = 0x4000

    /// The payload as a `u8`.
    /// - Throws: `NetlinkDecodingError` unless the payload is exactly 1 byte.
    public func u8() throws(NetlinkDecodingError) -> UInt8 { try scalar() }
    /// The payload as a host-order `u16`.
    /// - Throws: `NetlinkDecodingError` unless the payload is exactly 2 bytes.
    public func u16() throws(NetlinkDecodingError) -> UInt16 { try scalar() }
    /// The payload as a host-order `u32`.
    /// - Throws: `NetlinkDecodingError` unless the payload is exactly 4 bytes.
    public func u32() throws(NetlinkDecodingError) -> UInt32 { try scalar() }
    /// The payload as a host-order `u64`.
    /// - Throws: `NetlinkDecodingError` unless the payload is exactly 8 bytes.
    public func u64() throws(NetlinkDecodingError) -> UInt64 { try scalar() }
    /// The payload as a host-order `s32`.
    /// - Throws: `NetlinkDecodingError` unless the payload is exactly 4 bytes.
    public func i32() throws(NetlinkDecodingError) -> Int32 { try scalar() }
    /// The payload as a `be16`: network byte order, returned in host order.
    /// - Throws: `NetlinkDecodingError` unless the payload is exactly 2 bytes.
    public func be16() throws(NetlinkDecodingError) -> UInt16 { UInt16(bigEndian: try scalar()) }
    /// The payload as a `be32`: network byte order, returned in host order.
    /// - Throws: `NetlinkDecodingError` unless the payload is exactly 4 bytes.
    public func be32() throws(NetlinkDecodingError) -> UInt32 { UInt32(bigEndian: try scalar()) }
    /// The payload as a `be64`: network byte order, returned in host order.
    /// - Throws: `NetlinkDecodingError` unless the payload is exactly 8 bytes.
    public func be64() throws(NetlinkDecodingError) -> UInt64 { UInt64(bigEndian: try scalar()) }

    /// A string attribute, up to its first NUL (the kernel always sends one;
    /// a payload without one is taken whole).
    public func string() throws(NetlinkDecodingError) -> String {
        let end = payload.firstIndex(of: 0) ?? payload.endIndex
        guard let text = String(validating: payload[payload.startIndex..<end], as: UTF8.self) else {
            throw NetlinkDecodingError(attributeType: type, reason: "string is not valid UTF-8")
        }
        return text
    }

    /// The payload read as consecutive host-order u32 values.
    public func u32Array() throws(NetlinkDecodingError) -> [UInt32] {
        guard payload.count % 4 == 0 else {
            throw NetlinkDecodingError(attributeType: type, reason: "array of u32 has \(payload.count) bytes")
        }
        return payload.withUnsafeBytes { raw in
            (0..<(raw.count / 4)).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self) }
        }
    }

    /// The payload read as a C struct of exactly `T`'s size, or larger (newer
    /// kernels may append fields; the known prefix is read).
    public func fixed<T: BitwiseCopyable>(_: T.Type) throws(NetlinkDecodingError) -> T {
        guard payload.count >= MemoryLayout<T>.size else {
            throw NetlinkDecodingError(
                attributeType: type,
                reason: "expected at least \(MemoryLayout<T>.size) bytes, got \(payload.count)")
        }
        return payload.withUnsafeBytes { $0.loadUnaligned(as: T.self) }
    }

    /// The attributes nested inside this one.
    public var nested: NetlinkAttributeReader { NetlinkAttributeReader(payload) }

    private func scalar<T: FixedWidthInteger>() throws(NetlinkDecodingError) -> T {
        guard payload.count == MemoryLayout<T>.size else {
            throw NetlinkDecodingError(
                attributeType: type,
                reason: "expected \(MemoryLayout<T>.size) bytes, got \(payload.count)")
        }
        return payload.withUnsafeBytes { $0.loadUnaligned(as: T.self) }
    }
}

/// Walks a run of attributes, yielding views. Truncated or inconsistent input
/// throws instead of being read past; unknown types are simply yielded and
/// left to the caller to skip.
public struct NetlinkAttributeReader: Sendable {
    private var rest: ArraySlice<UInt8>

    /// A reader over `bytes`, a run of attributes, without a copy.
    public init(_ bytes: ArraySlice<UInt8>) { rest = bytes }
    /// A reader over `bytes`, a run of attributes.
    public init(_ bytes: [UInt8]) { rest = bytes[...] }

    /// The next attribute, with its flag bits split off; nil at the end (trailing
    /// padding included).
    /// - Throws: `NetlinkDecodingError` when a length is shorter than a header,
    ///   runs past the input, or stray bytes follow the last attribute.
    public mutating func next() throws(NetlinkDecodingError) -> NetlinkAttribute? {
        // Fewer bytes than a header: trailing padding is all that may remain.
        if rest.count < NetlinkLayout.attributeHeaderLength {
            if rest.allSatisfy({ $0 == 0 }) { rest = rest[rest.endIndex...]; return nil }
            throw NetlinkDecodingError(attributeType: nil, reason: "\(rest.count) stray bytes after the last attribute")
        }
        let (length, rawType) = rest.withUnsafeBytes {
            ($0.loadUnaligned(fromByteOffset: 0, as: UInt16.self), $0.loadUnaligned(fromByteOffset: 2, as: UInt16.self))
        }
        let type = rawType & ~(NetlinkAttribute.nestedFlag | NetlinkAttribute.netByteOrderFlag)
        guard Int(length) >= NetlinkLayout.attributeHeaderLength else {
            throw NetlinkDecodingError(attributeType: type, reason: "attribute length \(length) is shorter than its header")
        }
        guard Int(length) <= rest.count else {
            throw NetlinkDecodingError(attributeType: type, reason: "attribute length \(length) runs past the \(rest.count) bytes left")
        }
        let start = rest.startIndex
        let payload = rest[(start + NetlinkLayout.attributeHeaderLength)..<(start + Int(length))]
        let advance = min(NetlinkLayout.align(Int(length)), rest.count)
        rest = rest[(start + advance)...]
        return NetlinkAttribute(
            type: type, flags: rawType & (NetlinkAttribute.nestedFlag | NetlinkAttribute.netByteOrderFlag), payload: payload)
    }

    /// Calls `body` for every attribute, in order.
    public mutating func forEach(_ body: (NetlinkAttribute) throws -> Void) throws {
        while let attribute = try next() { try body(attribute) }
    }

    /// All attributes, last one winning for a repeated type, indexed by type.
    public func table() throws(NetlinkDecodingError) -> NetlinkAttributeTable {
        var copy = self
        var table = NetlinkAttributeTable()
        while let attribute = try copy.next() { table.entries[attribute.type] = attribute }
        return table
    }
}

/// Attributes of one level indexed by type, for decoders that look fields up
/// by number rather than iterate.
public struct NetlinkAttributeTable: Sendable {
    package var entries: [UInt16: NetlinkAttribute] = [:]
    /// The attribute of `type`, if the level holds one.
    public subscript(type: UInt16) -> NetlinkAttribute? { entries[type] }
    /// The attribute types present, in ascending order.
    public var types: [UInt16] { entries.keys.sorted() }

    /// The attribute, or an error naming what `context` was missing.
    public func required(_ type: UInt16, in context: String) throws(NetlinkDecodingError) -> NetlinkAttribute {
        guard let attribute = entries[type] else {
            throw NetlinkDecodingError(attributeType: type, reason: "\(context) lacks required attribute \(type)")
        }
        return attribute
    }
}

/// Input that does not parse as netlink: which attribute, and why.
public struct NetlinkDecodingError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The attribute that did not parse, if the fault is in one.
    public let attributeType: UInt16?
    /// What was wrong, in words.
    public let reason: String
    /// An error about `attributeType` (nil for the message itself).
    public init(attributeType: UInt16?, reason: String) {
        self.attributeType = attributeType
        self.reason = reason
    }
    /// `malformed netlink attribute N: reason`, or `malformed netlink data: reason`.
    public var description: String {
        if let attributeType { return "malformed netlink attribute \(attributeType): \(reason)" }
        return "malformed netlink data: \(reason)"
    }
}
