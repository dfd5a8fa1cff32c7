// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "vtep-kdp",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "vtep-kdp", targets: ["vtep-kdp"]),
        .library(name: "OVSDatapathNL", targets: ["OVSDatapathNL"]),
        .library(name: "VTEPOffload", targets: ["VTEPOffload"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.30.0"),
    ],
    targets: [
        // libmnl (sockets, batching) and libnl-genl-3 (family and group
        // resolution), plus static-inline shims for what Swift cannot import.
        .systemLibrary(
            name: "CNetlink",
            pkgConfig: "libmnl libnl-genl-3.0",
            providers: [.apt(["libmnl-dev", "libnl-genl-3-dev", "libnl-3-dev"])]
        ),
        // Typed Swift API of the openvswitch kernel datapath.
        .target(name: "OVSDatapathNL", dependencies: ["CNetlink"]),
        // OVSDB client, VTEP model, compiler, reconciler, learning.
        .target(
            name: "VTEPOffload",
            dependencies: [
                "OVSDatapathNL",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .executableTarget(
            name: "vtep-kdp",
            dependencies: [
                "OVSDatapathNL",
                "VTEPOffload",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Benchmarks (perf/): not tests; run by perf/*.sh inside the VM.
        .executableTarget(name: "flow-install-bench", dependencies: ["OVSDatapathNL"], path: "perf/flow-install",
                          exclude: ["floor.c"]),
        .executableTarget(name: "ovsdb-monitor-bench", dependencies: ["VTEPOffload"], path: "perf/ovsdb-monitor",
                          exclude: ["populate.py", "idl.py", "writer.py"]),
        .executableTarget(name: "compile-bench", dependencies: ["VTEPOffload", "OVSDatapathNL"], path: "perf/compile"),
        .testTarget(name: "OVSDatapathNLTests", dependencies: ["OVSDatapathNL", "CNetlink"]),
        .testTarget(name: "VTEPOffloadTests", dependencies: [
            "VTEPOffload",
            // EmbeddedChannel: the OVSDB frame decoder driven read by read, without a socket.
            .product(name: "NIOEmbedded", package: "swift-nio"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
