/// A 128-bit unique flow identifier. The kernel indexes flows by it, so a
/// restarted vtep-kdp that derives the same UFID from the same identity finds
/// its flows again without comparing keys.
public struct FlowUFID: Hashable, Sendable, CustomStringConvertible {
    /// The 128 bits, most significant word first as ovs-dpctl prints them.
    public let value: UInt128

    /// A UFID with these 128 bits.
    public init(_ value: UInt128) { self.value = value }

    /// Hashes the 128 bits.
    public func hash(into hasher: inout Hasher) { hasher.combine(value) }

    /// What `Dictionary` and `Set` hash with: a UFID is already a hash (of
    /// its identity), so mixing its bits with the table's seed is enough,
    /// and far cheaper than SipHash on the compiler's and reconciler's
    /// hot path (several look-ups per flow).
    public func _rawHashValue(seed: Int) -> Int { Self.mix(value, seed: seed) }

    /// FNV-1a (128-bit) of the identity's UTF-8: stable across processes,
    /// versions and machines — unlike Swift's seeded `Hasher`.
    public init(deriving identity: String) {
        var hash: UInt128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d
        let prime: UInt128 = 0x0000_0000_0100_0000_0000_0000_0000_013B
        for byte in identity.utf8 {
            hash ^= UInt128(byte)
            hash = hash &* prime
        }
        value = hash
    }

    /// 128 bits that are random already, folded and finalised (SplitMix64's
    /// mixer) with a table's seed, so every bit reaches the low bits a table
    /// indexes by. (OVSDBUUID does the same; the OVSDB side shares no code
    /// with the datapath side.)
    private static func mix(_ value: UInt128, seed: Int) -> Int {
        var x =
            UInt64(truncatingIfNeeded: value) ^ (UInt64(truncatingIfNeeded: value >> 64) &* 0x9e37_79b9_7f4a_7c15)
            ^ UInt64(bitPattern: Int64(seed))
        x = (x ^ (x >> 30)) &* 0xbf58_476d_1ce4_e5b9
        x = (x ^ (x >> 27)) &* 0x94d0_49bb_1331_11eb
        return Int(bitPattern: UInt(x ^ (x >> 31)))
    }

    /// 16 bytes as the kernel stores them (OVS's u32[4], host order).
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(16)
        for word in words32 { withUnsafeBytes(of: word) { out.append(contentsOf: $0) } }
        return out
    }

    /// Appends the UFID attribute without building intermediate arrays
    /// (this runs once per flow in every batch).
    package func put(_ type: UInt16, into writer: inout NetlinkAttributeWriter) {
        let words = (
            UInt32(truncatingIfNeeded: value >> 96), UInt32(truncatingIfNeeded: value >> 64),
            UInt32(truncatingIfNeeded: value >> 32), UInt32(truncatingIfNeeded: value)
        )
        withUnsafeBytes(of: words) { writer.put(type, bytes: $0.assumingMemoryBound(to: UInt8.self)) }
    }

    /// OVS writes a UFID as four u32 words, most significant first.
    package var words32: [UInt32] {
        [
            UInt32(truncatingIfNeeded: value >> 96), UInt32(truncatingIfNeeded: value >> 64),
            UInt32(truncatingIfNeeded: value >> 32), UInt32(truncatingIfNeeded: value),
        ]
    }

    /// A UFID from the kernel's 16 bytes (four u32 words in host order, most
    /// significant first); nil unless there are exactly 16.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 16 else { return nil }
        let array = Array(bytes)
        var value: UInt128 = 0
        for index in 0..<4 {
            let word = array.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self) }
            value = (value << 32) | UInt128(word)
        }
        self.value = value
    }

    /// `ufid:xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, as ovs-dpctl prints it.
    public var description: String {
        let w = words32
        func hex(_ v: UInt32, _ digits: Int) -> String {
            let s = String(v, radix: 16)
            return String(repeating: "0", count: max(0, digits - s.count)) + s
        }
        return
            "ufid:\(hex(w[0], 8))-\(hex(w[1] >> 16, 4))-\(hex(w[1] & 0xffff, 4))-\(hex(w[2] >> 16, 4))-\(hex(w[2] & 0xffff, 4))\(hex(w[3], 8))"
    }
}
