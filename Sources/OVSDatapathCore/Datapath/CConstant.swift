import CNetlink

/// uapi enums import as struct types; these turn their values into the
/// integer widths netlink uses, so call sites read like the C they mirror.
@inline(__always)
package func attr<T: RawRepresentable>(_ value: T) -> UInt16 where T.RawValue: BinaryInteger { UInt16(value.rawValue) }

@inline(__always)
package func cmd<T: RawRepresentable>(_ value: T) -> UInt8 where T.RawValue: BinaryInteger { UInt8(value.rawValue) }
