// The userspace half of programming N remote MACs, without a kernel:
// compile the VTEP state from nothing, diff it against what is installed,
// and recompile after one more row (the incremental path a single change
// takes). Natively, on the host — `perf record` it to see where the time
// goes:
//   swift build -c release --product compile-bench && .build/release/compile-bench 1000 10000 100000
// LEARNED_ROUNDS=3000 repeats the learned-MAC pass that often, to profile it alone.
import Foundation
import OVSDB
import OVSDatapathCore
import VTEPCompiler
import VTEPModel
import VTEPOffload

let sizes = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let rounds = 3

func database(remoteMACs n: Int) -> VTEPDatabase {
    var db = VTEPDatabase()
    var next: UInt128 = 1
    func uuid() -> OVSDBUUID { next += 1; return OVSDBUUID(next &* 0x9e37_79b9_7f4a_7c15) }
    let ps = uuid(), p0 = uuid(), ls0 = uuid(), remote = uuid(), flood = uuid(), set = uuid(), mcast = uuid()
    var physicalSwitch = VTEPPhysicalSwitch()
    physicalSwitch.name = "br0"; physicalSwitch.tunnelIPs = ["10.2.2.1"]; physicalSwitch.ports = [p0]
    db.physicalSwitches.set(ps, physicalSwitch)
    var port = VTEPPhysicalPort()
    port.name = "p0"; port.vlanBindings = [0: ls0]
    db.physicalPorts.set(p0, port)
    var logicalSwitch = VTEPLogicalSwitch()
    logicalSwitch.name = "ls0"; logicalSwitch.tunnelKey = 33
    db.logicalSwitches.set(ls0, logicalSwitch)
    for (id, ip) in [(remote, "10.2.2.3"), (flood, "10.2.2.2")] {
        var locator = VTEPPhysicalLocator()
        locator.encapsulationType = "vxlan_over_ipv4"; locator.dstIP = ip
        db.locators.set(id, locator)
    }
    var locatorSet = VTEPPhysicalLocatorSet()
    locatorSet.locators = [flood]
    db.locatorSets.set(set, locatorSet)
    var unknown = VTEPMcastMac<VTEPRemote>()
    unknown.mac = "unknown-dst"; unknown.logicalSwitch = ls0; unknown.locatorSet = set
    db.mcastMacsRemote.set(mcast, unknown)
    for i in 0..<n {
        var row = VTEPUcastMac<VTEPRemote>()
        row.mac = String(format: "0a:00:%02x:%02x:%02x:%02x", (i >> 24) & 0xff, (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff)
        row.logicalSwitch = ls0; row.locator = remote
        db.ucastMacsRemote.set(uuid(), row)
    }
    return db
}

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

for n in sizes {
    let db = database(remoteMACs: n)
    let input = CompilerInput(database: db, switchName: "br0", portNumbers: ["p0": 1], tunnelPort: 2)
    let clock = ContinuousClock()
    var compile: [Double] = [], diffEmpty: [Double] = [], diffFull: [Double] = [], oneRow: [Double] = []
    for _ in 0..<rounds {
        var state = DesiredDatapathState()
        compile.append(seconds(clock.measure { state = VTEPCompiler.compile(input) }))
        var count = 0
        diffEmpty.append(seconds(clock.measure { count = FlowDiff(desired: state.flows, installed: [:]).count }))
        let installed = Dictionary(uniqueKeysWithValues: state.flows.map { ($0, Flow(key: [], actions: $1.flow.actions, ufid: $0)) })
        diffFull.append(seconds(clock.measure { count += FlowDiff(desired: state.flows, installed: installed).count }))
        precondition(count == state.flows.count)

        var compiler = IncrementalCompiler()
        compiler.compile(input, changedRemoteRows: nil)
        var grown = db
        var row = VTEPUcastMac<VTEPRemote>()
        row.mac = "0e:00:00:00:00:01"
        row.logicalSwitch = db.ucastMacsRemote.rows.first!.value.logicalSwitch
        row.locator = db.ucastMacsRemote.rows.first!.value.locator
        let id = OVSDBUUID(UInt128.max)
        grown.ucastMacsRemote.set(id, row)
        var grownInput = input
        grownInput.database = grown
        var changed: Set<FlowUFID> = []
        oneRow.append(seconds(clock.measure { changed = compiler.compile(grownInput, changedRemoteRows: [id]) }))
        precondition(changed.count == 1 && compiler.state.flows.count == state.flows.count + 1)
    }
    // A bulk commit of n rows to a running daemon, as SyncPass stages it:
    // parts of rows compiled into a live compiler, each diffed against what
    // is installed and recorded as installed — the pass's own thread, less
    // the kernel's work.
    var staged: [Double] = []
    for _ in 0..<rounds {
        var compiler = IncrementalCompiler()
        compiler.compile(
            CompilerInput(database: database(remoteMACs: 0), switchName: "br0", portNumbers: ["p0": 1], tunnelPort: 2),
            changedRemoteRows: nil)
        var installed = Dictionary(
            uniqueKeysWithValues: compiler.state.flows.map { ($0, Flow(key: [], actions: $1.flow.actions, ufid: $0)) })
        let rows = Array(db.ucastMacsRemote.rows.keys)
        var taken = 0
        staged.append(
            seconds(
                clock.measure {
                    let growth = compiler.reserveCapacity(forRemoteRows: rows, of: input)
                    installed.reserveCapacity(installed.count + growth)
                    while rows.count - taken > 4096, let changed = compiler.compileRemoteRows(rows[taken..<taken + 4096], of: input) {
                        taken += 4096
                        let diff = FlowDiff(desired: compiler.state.flows, installed: installed, only: changed)
                        for flow in diff.additions { installed[flow.ufid!] = Flow(key: [], actions: flow.actions, ufid: flow.ufid) }
                    }
                    compiler.compile(input, changedRemoteRows: Set(rows[taken...]))
                }))
        // Every row not yet installed has its flow (and the remote locator's
        // admission flow joins them when no part was installed before).
        precondition(compiler.state.flows.count - installed.count >= rows.count - taken)
    }
    // A new source learned with `learnedMACs` learned before it: the pass
    // a first packet's miss starts (only the frame changes). Alternately
    // one MAC more and one less, on a compiler that has seen both.
    let learnedMACs = 1000
    let learned = (0...learnedMACs).map {
        LocalMAC(mac: EthernetAddress(String(format: "06:00:00:00:%02x:%02x", $0 >> 8, $0 & 0xff))!, port: "p0", vlan: 0)
    }
    var fewer = input, more = input
    fewer.localMACs = Array(learned.dropLast())
    more.localMACs = learned
    var learning = IncrementalCompiler()
    learning.compile(more, changedRemoteRows: nil)
    learning.compile(fewer, changedRemoteRows: [])
    var oneLearned: [Double] = []
    for round in 0..<(Int(ProcessInfo.processInfo.environment["LEARNED_ROUNDS"] ?? "") ?? 2 * rounds) {
        var changed: Set<FlowUFID> = []
        oneLearned.append(seconds(clock.measure { changed = learning.compile(round % 2 == 0 ? more : fewer, changedRemoteRows: []) }))
        precondition(!changed.isEmpty)
    }
    print(
        String(
            format: "n=%d compile=%.3f diff_empty=%.3f diff_full=%.3f one_more_row=%.6f staged=%.3f one_more_learned_of_%d=%.6f", n,
            compile.min()!,
            diffEmpty.min()!, diffFull.min()!, oneRow.min()!, staged.min()!, learnedMACs, oneLearned.min()!))
}
