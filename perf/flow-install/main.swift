// The same work as floor.c, through vtep-kdp's flow API: 100,000 (or COUNT)
// stage-2 style flows created in batches, then one dump of all of them.
//
// usage: flow-install-bench DATAPATH COUNT
// prints: swift installed=N errors=E seconds=S flows_per_second=R
//         dump flows=N seconds=S flows_per_second=R
import OVSDatapathNL

#if canImport(Glibc)
import Glibc
import OVSDatapathCore
#endif

let arguments = CommandLine.arguments
guard arguments.count == 3, let count = Int(arguments[2]) else {
    print("usage: flow-install-bench DATAPATH COUNT")
    exit(2)
}

func seconds(since start: UInt64) -> Double {
    Double(MonotonicClock.nowNanoseconds() - start) / 1e9
}

let connection = try DatapathConnection()
let datapath = try connection.datapath(named: arguments[1])
let recirc = FlowKeyAttribute(type: OVSKey.recircID, bytes: withUnsafeBytes(of: UInt32(0x100_0021)) { Array($0) })
let recircMask = FlowKeyAttribute(type: OVSKey.recircID, bytes: [0xff, 0xff, 0xff, 0xff])
let ethernetMask = FlowKeyAttribute(type: OVSKey.ethernet, bytes: [0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])

let start = MonotonicClock.nowNanoseconds()
var errors = 0
var next = 0
// Operations are built and sent in slices so memory stays flat, as a
// reconciler applying a large diff would.
while next < count {
    let end = min(next + 5000, count)
    let operations: [FlowOperation] = (next..<end).map { i in
        let mac: [UInt8] = [
            0, 0, 0, 0, 0, 0, 0x0a, 0, UInt8(truncatingIfNeeded: i >> 24), UInt8(truncatingIfNeeded: i >> 16),
            UInt8(truncatingIfNeeded: i >> 8), UInt8(truncatingIfNeeded: i),
        ]
        let flow = Flow(
            key: [recirc, FlowKeyAttribute(type: OVSKey.ethernet, bytes: mac)],
            mask: [recircMask, ethernetMask],
            actions: [.output(port: 1)],
            ufid: FlowUFID(UInt128(0x7f10_0000) << 96 | UInt128(i)))
        return .put(flow, .create)
    }
    for result in connection.execute(operations, in: datapath) {
        if case .failure(let error) = result {
            if errors < 3 { print("error: \(error)") }
            errors += 1
        }
    }
    next = end
}
let installSeconds = seconds(since: start)
print(
    "swift installed=\(count - errors) errors=\(errors) seconds=\(formatted(installSeconds)) flows_per_second=\(Int(Double(count - errors) / installSeconds))"
)

let dumpStart = MonotonicClock.nowNanoseconds()
var dumped = 0
try connection.dumpFlows(in: datapath) { _ in dumped += 1 }
let dumpSeconds = seconds(since: dumpStart)
print("dump flows=\(dumped) seconds=\(formatted(dumpSeconds)) flows_per_second=\(Int(Double(dumped) / dumpSeconds))")

let statsStart = MonotonicClock.nowNanoseconds()
var polled = 0
try connection.dumpFlows(in: datapath, omit: .allButStats) { _ in polled += 1 }
let statsSeconds = seconds(since: statsStart)
print("statsdump flows=\(polled) seconds=\(formatted(statsSeconds)) flows_per_second=\(Int(Double(polled) / statsSeconds))")

func formatted(_ value: Double) -> String {
    let thousandths = Int((value * 1000).rounded())
    let fraction = thousandths % 1000
    return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - String(fraction).count) + String(fraction)
}
