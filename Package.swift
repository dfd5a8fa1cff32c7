// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "vtep-kdp",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "vtep-kdp", targets: ["vtep-kdp"]),
        // An RFC 7047 OVSDB client of its own: usable without anything else of vtep-kdp.
        .library(name: "OVSDB", targets: ["OVSDB"]),
        .library(name: "OVSDatapathCore", targets: ["OVSDatapathCore"]),
        .library(name: "OVSDatapathNL", targets: ["OVSDatapathNL"]),
        .library(name: "VTEPOffload", targets: ["VTEPOffload"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.30.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
    ],
    // Layers, each a target so the build enforces its walls; arrows only go
    // down (scripts/check-layers.sh checks the imports against this list):
    //   vtep-kdp → VTEPOffload → VTEPCompiler → VTEPModel → OVSDB
    //                          → OVSDatapathNL → OVSDatapathCore → CNetlink
    //              VTEPCompiler → OVSDatapathCore
    //   vtep-kdp → OVSUnixctl → OVSDB
    //   BFD (protocol values; no imports of ours)
    targets: [
        // libmnl (sockets, batching) and libnl-genl-3 (family and group
        // resolution), plus static-inline shims for what Swift cannot import.
        .systemLibrary(
            name: "CNetlink",
            pkgConfig: "libmnl libnl-genl-3.0",
            providers: [.apt(["libmnl-dev", "libnl-genl-3-dev", "libnl-3-dev"])]
        ),
        // The datapath's flow model as values: netlink attribute codec, flow
        // keys, masks, actions, UFIDs, vports, upcalls, ovs-dpctl notation.
        // No sockets: what the compiler may see of the kernel.
        .target(
            name: "OVSDatapathCore",
            dependencies: ["CNetlink", .product(name: "SystemPackage", package: "swift-system")]
        ),
        // The datapath's I/O: netlink sockets, DatapathConnection, upcalls, VXLAN devices.
        .target(name: "OVSDatapathNL", dependencies: ["OVSDatapathCore", "CNetlink"]),
        // RFC 7047 client: JSON, datums, tables, transports, monitor, transact.
        // Knows nothing of VTEPs or datapaths.
        .target(
            name: "OVSDB",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // OVS's control socket (what ovs-appctl talks to), over OVSDB's JSON-RPC.
        .target(
            name: "OVSUnixctl",
            dependencies: [
                "OVSDB", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // BFD (RFC 5880) as values: control packets and the session state
        // machine, driven by its owner's clock. No I/O, no dependencies.
        .target(name: "BFD"),
        // The hardware_vtep schema as typed rows and a typed replica.
        .target(name: "VTEPModel", dependencies: ["OVSDB"]),
        // Pure decisions: VTEP state → desired flows, misses → learned facts.
        .target(name: "VTEPCompiler", dependencies: ["VTEPModel", "OVSDB", "OVSDatapathCore"]),
        // What acts: the reconciler (the kernel's only writer), upcalls,
        // housekeeping, the database write-back, the daemon.
        .target(
            name: "VTEPOffload",
            dependencies: [
                "VTEPCompiler", "VTEPModel", "OVSDB", "OVSDatapathCore", "OVSDatapathNL", "BFD",
                .product(name: "Logging", package: "swift-log"),
                // The metrics API only: what exports them is the executable's choice.
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .executableTarget(
            name: "vtep-kdp",
            dependencies: [
                "OVSDatapathCore", "OVSDatapathNL", "OVSDB", "OVSUnixctl", "VTEPModel", "VTEPCompiler", "VTEPOffload", "BFD",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // Benchmarks (perf/): not tests; run by perf/*.sh inside the VM.
        .executableTarget(
            name: "flow-install-bench", dependencies: ["OVSDatapathCore", "OVSDatapathNL"], path: "perf/flow-install",
            exclude: ["floor.c"]),
        .executableTarget(
            name: "ovsdb-monitor-bench", dependencies: ["OVSDB", "VTEPModel"], path: "perf/ovsdb-monitor",
            exclude: ["populate.py", "idl.py", "writer.py", "gate.py"]),
        .executableTarget(
            name: "compile-bench", dependencies: ["VTEPCompiler", "VTEPOffload", "VTEPModel", "OVSDB", "OVSDatapathCore"],
            path: "perf/compile"),
        // Helpers shared by the test targets: child processes, an
        // ovsdb-server rig, a seeded random generator, a flow corpus.
        .target(name: "TestSupport", dependencies: ["OVSDatapathCore", "OVSDB", "VTEPModel", "VTEPCompiler"], path: "Tests/TestSupport"),
        .testTarget(name: "OVSDatapathCoreTests", dependencies: ["OVSDatapathCore", "CNetlink", "TestSupport"]),
        .testTarget(name: "OVSDatapathNLTests", dependencies: ["OVSDatapathNL", "OVSDatapathCore", "CNetlink", "TestSupport"]),
        .testTarget(
            name: "OVSDBTests",
            dependencies: [
                "OVSDB", "VTEPModel", "TestSupport",
                // EmbeddedChannel: the OVSDB frame decoder driven read by read, without a socket.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                // Certificates read back as TLS reads them (--bootstrap-ca-cert).
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            exclude: ["Fixtures"]),
        .testTarget(name: "BFDTests", dependencies: ["BFD"]),
        .testTarget(name: "OVSUnixctlTests", dependencies: ["OVSUnixctl", "TestSupport"]),
        .testTarget(name: "VTEPCompilerTests", dependencies: ["VTEPCompiler", "VTEPModel", "OVSDB", "OVSDatapathCore", "TestSupport"]),
        .testTarget(
            name: "VTEPOffloadTests",
            dependencies: [
                "VTEPOffload", "VTEPCompiler", "VTEPModel", "OVSDB", "OVSDatapathCore", "OVSDatapathNL", "BFD", "TestSupport",
                .product(name: "SystemPackage", package: "swift-system"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
