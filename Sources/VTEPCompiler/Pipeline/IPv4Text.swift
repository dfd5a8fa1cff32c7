/// IPv4 addresses as the database writes them and as the kernel holds
/// them: dotted text and 4 bytes in network order.

/// Dotted IPv4 text → 4 bytes in network order.
public func ipv4Bytes(_ text: String) -> [UInt8]? {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 4 else { return nil }
    var bytes: [UInt8] = []
    for part in parts {
        guard let byte = UInt8(part), String(byte) == part else { return nil }
        bytes.append(byte)
    }
    return bytes
}

/// 4 bytes in network order → dotted IPv4 text.
public func ipv4Text(_ bytes: [UInt8]) -> String { bytes.map(String.init).joined(separator: ".") }
