import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// systemd's readiness protocol (sd_notify(3)) for `Type=notify`: one
/// datagram of `KEY=VALUE` lines to the unix socket named by
/// `$NOTIFY_SOCKET` (a path, or `@name` in the abstract namespace).
/// Without the variable — not started by systemd — nothing is sent.
enum SystemdNotify {
    /// Sends `state` (e.g. "READY=1\nSTATUS=serving br0"); says whether it went.
    @discardableResult
    static func send(_ state: String) -> Bool {
        guard let target = ProcessInfo.processInfo.environment["NOTIFY_SOCKET"], !target.isEmpty else { return false }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var path = Array(target.utf8)
        if path.first == UInt8(ascii: "@") { path[0] = 0 }  // abstract namespace
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + path.count + (path.first == 0 ? 0 : 1))
        let sent = state.utf8CString.withUnsafeBufferPointer { text in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, text.baseAddress, text.count - 1, 0, $0, length) }
            }
        }
        return sent >= 0
    }
}
