// The OVSDB side of vtep-kdp under load: the initial monitor of a large
// hardware_vtep database, and a stream of one-row updates.
//
// usage: ovsdb-monitor-bench floor SOCKET       read the monitor reply's bytes, nothing else
//        ovsdb-monitor-bench client SOCKET N    OVSDBClient: initial replica, then N one-row updates
//        ovsdb-monitor-bench backlog GATE SOCKET CONTROL N
//            the N updates held back by gate.py and then handed over at once
//        ovsdb-monitor-bench arrival SOCKET
//            monitors without initial rows, prints "ready", then when the
//            next update's first and last bytes arrived (wall clock, for
//            perf/vm/vtep-vs-ofctl.sh: how long ovsdb-server takes to
//            deliver a large update after a commit's reply)
// prints: floor bytes=B seconds=S
//         client initial rows=R seconds=S
//         client updates n=N seconds=S cpu=C   (C: this process's CPU seconds meanwhile)
//         client backlog n=N seconds=S cpu=C messages=M bytes=B
//         update_first_byte_at=T update_arrived_at=T bytes=B
import Foundation
import OVSDB
import VTEPModel

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    print("usage: ovsdb-monitor-bench floor SOCKET | client SOCKET [UPDATES] | backlog GATE SOCKET CONTROL UPDATES | arrival SOCKET")
    exit(2)
}
let path = arguments[2]

/// A connected unix socket, blocking.
func connectUnix(_ path: String) -> Int32 {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        for (index, byte) in path.utf8.enumerated() where index < raw.count - 1 { raw[index] = byte }
    }
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    precondition(result == 0, "cannot connect to \(path)")
    return fd
}

/// One line from a blocking socket (gate.py's control answers).
func readLine(_ fd: Int32) -> String {
    var line: [UInt8] = []
    var byte: UInt8 = 0
    while read(fd, &byte, 1) == 1, byte != 0x0a { line.append(byte) }
    return String(decoding: line, as: UTF8.self)
}

func sendAll(_ fd: Int32, _ bytes: [UInt8]) {
    var offset = 0
    while offset < bytes.count {
        let sent = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        precondition(sent > 0, "write failed")
        offset += sent
    }
}

/// CPU seconds this process has used, user and system.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// Seconds since the epoch, as `date +%s.%N` and Python's `time.time()` read them.
func wallClock() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// Reads until one whole JSON message is in `buffer` and returns its
/// length, and when its first byte arrived.
func readMessage(_ fd: Int32, _ buffer: inout [UInt8], _ framer: inout JSONFramer) throws -> (length: Int, firstByteAt: Double) {
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    var firstByteAt = buffer.isEmpty ? 0 : wallClock()
    while true {
        if let length = try buffer.withUnsafeBytes({ try framer.nextMessageLength(in: $0) }) { return (length, firstByteAt) }
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        precondition(count > 0, "server closed")
        if firstByteAt == 0 { firstByteAt = wallClock() }
        buffer += chunk[0..<count]
    }
}

func seconds(_ duration: Duration) -> String {
    String(format: "%.3f", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
}

switch arguments[1] {
case "floor":
    // The same monitor request the client makes, and only the reading of
    // the reply: the bytes as fast as ovsdb-server sends them, framed.
    let tables = JSONValue.object(VTEPDatabase.monitoredTables.map { ($0.table, [["columns": .array($0.columns.map { .string($0) })]]) })
    let request: JSONValue = ["id": 1, "method": "monitor_cond", "params": ["hardware_vtep", "floor", tables]]
    var bytes: [UInt8] = []
    request.write(to: &bytes)
    let start = ContinuousClock.now
    let fd = connectUnix(path)
    sendAll(fd, bytes)
    var framer = JSONFramer()
    var buffer = [UInt8]()
    buffer.reserveCapacity(64 << 20)
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    var total = 0
    while true {
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        precondition(count > 0, "server closed")
        buffer += chunk[0..<count]
        total += count
        if try buffer.withUnsafeBytes({ try framer.nextMessageLength(in: $0) }) != nil { break }
    }
    print("floor bytes=\(total) seconds=\(seconds(ContinuousClock.now - start))")

case "client", "backlog":
    let backlog = arguments[1] == "backlog"
    // backlog: the client goes through the gate; writes go straight to the server.
    let serverPath = backlog ? arguments[3] : path
    let updates = Int(arguments[backlog ? 5 : 3]) ?? 0
    let start = ContinuousClock.now
    let client = OVSDBClient<VTEPDatabase>(remotes: [.unix(path: path)])
    let task = Task { await client.run() }
    var events = client.events.makeAsyncIterator()
    while let event = await events.next() {
        if case .synced = event { break }
    }
    let rows = await client.replica.ucastMacsRemote.count
    if !backlog { print("client initial rows=\(rows) seconds=\(seconds(ContinuousClock.now - start))") }

    if updates > 0 {
        let uuids = await client.replica.ucastMacsRemote.rows.keys.prefix(updates).map(\.description)
        var payload: [UInt8] = []
        for (index, uuid) in uuids.enumerated() {
            let request: JSONValue = [
                "id": .integer(index), "method": "transact",
                "params": [
                    "hardware_vtep",
                    [
                        "op": "update", "table": "Ucast_Macs_Remote", "where": [["_uuid", "==", ["uuid", .string(uuid)]]],
                        // A value no earlier run wrote, so every update is a real change.
                        "row": ["ipaddr": .string("kdp-\(getpid())-\(index)")],
                    ],
                ],
            ]
            request.write(to: &payload)
        }
        var control: Int32 = -1
        var held = ""
        if backlog {
            control = connectUnix(arguments[4])
            sendAll(control, Array("hold\n".utf8))
            precondition(readLine(control) == "ok", "gate did not hold")
        }
        var updateStart = ContinuousClock.now
        var cpuStart = cpuSeconds()
        let writer = connectUnix(serverPath)
        // Replies are drained on another thread so the server never stalls
        // on us; it signals once every reply is in (each has one "id").
        let drained = DispatchSemaphore(value: 0)
        let expectedReplies = uuids.count
        let drain = Thread {
            var sink = [UInt8](repeating: 0, count: 1 << 20)
            var replies = 0, carry: [UInt8] = []
            let mark = Array(#""id":"#.utf8)
            while true {
                let count = sink.withUnsafeMutableBytes { read(writer, $0.baseAddress, $0.count) }
                guard count > 0 else { break }
                // Count marks across reads: keep the last few bytes.
                let window = carry + sink[0..<count]
                var index = 0
                while index + mark.count <= window.count {
                    if window[index] == mark[0], window[index..<(index + mark.count)].elementsEqual(mark) {
                        replies += 1
                        index += mark.count
                    } else {
                        index += 1
                    }
                }
                carry = Array(window.suffix(mark.count - 1))
                if replies == expectedReplies { drained.signal() }
            }
        }
        drain.start()
        sendAll(writer, payload)
        if backlog {
            // Every update committed and held, every reply read (so the
            // drain thread is idle); the clock starts at the release.
            drained.wait()
            sendAll(control, Array("wait \(uuids.count)\n".utf8))
            held = readLine(control).split(separator: " ").filter { $0.hasPrefix("messages=") || $0.hasPrefix("bytes=") }
                .joined(separator: " ")
            updateStart = ContinuousClock.now
            cpuStart = cpuSeconds()
            sendAll(control, Array("release\n".utf8))
        }
        var applied = 0
        while applied < uuids.count, let event = await events.next() {
            if case .changes(let changes) = event { applied += changes.count }
        }
        print(
            "client \(backlog ? "backlog" : "updates") n=\(applied) seconds=\(seconds(ContinuousClock.now - updateStart))"
                + " cpu=\(String(format: "%.3f", cpuSeconds() - cpuStart))" + (held.isEmpty ? "" : " " + held))
        shutdown(writer, Int32(SHUT_RDWR))
    }
    task.cancel()

case "arrival":
    let select: JSONValue = ["initial": false, "insert": true, "delete": true, "modify": true]
    let tables = JSONValue.object(
        VTEPDatabase.monitoredTables.map {
            ($0.table, [["columns": .array($0.columns.map { .string($0) }), "select": select]])
        })
    let request: JSONValue = ["id": 1, "method": "monitor_cond", "params": ["hardware_vtep", "arrival", tables]]
    var bytes: [UInt8] = []
    request.write(to: &bytes)
    let fd = connectUnix(path)
    sendAll(fd, bytes)
    var framer = JSONFramer()
    var buffer = [UInt8]()
    let reply = try readMessage(fd, &buffer, &framer)
    buffer.removeFirst(reply.length)
    print("ready")
    fflush(nil)  // every output stream: Swift 6 will not touch the global stdout
    let update = try readMessage(fd, &buffer, &framer)
    print(String(format: "update_first_byte_at=%.6f update_arrived_at=%.6f bytes=%d", update.firstByteAt, wallClock(), update.length))

default:
    print("unknown mode \(arguments[1])")
    exit(2)
}
