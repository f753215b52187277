// swift-tools-version: 6.1
import PackageDescription

/// Settings shared by every Swift target: Swift 6 language mode (strict concurrency) plus the
/// upcoming features the Hummingbird/NIO anchors use, so imports and existentials stay explicit.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "outpost",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "outpost", targets: ["outpost"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // Already resolved for Hummingbird; OutpostEMS names its HTTP part types (NIOHTTPTypes).
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // MARK: C modules over system libraries

        /// The system OpenSSL 3 libcrypto (Debian `libssl-dev`). Only `OutpostTLS` imports it, and only
        /// internally: BoringSSL (inside NIOSSL) exports look-alike symbols (see swift-notes.md).
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        /// Debian's Lua 5.4 (`liblua5.4-dev`), with a shim of static inline wrappers for the macros and the C
        /// trampolines, hook and allocator that keep longjmp out of Swift frames (swift-notes.md 14–17).
        .systemLibrary(
            name: "CLua",
            pkgConfig: "lua5.4",
            providers: [.apt(["liblua5.4-dev"])]
        ),

        // MARK: Libraries (no dependency points upwards)

        /// config.json: a position-tracking JSON reader, the typed model of every EMS 5.4 group and key,
        /// validation findings and the JSON Schema. Pure: takes bytes, does no I/O.
        .target(
            name: "OutpostConfig",
            swiftSettings: swiftSettings,
            // Double's integral checks call libm, which nothing else links when only this module is used.
            linkerSettings: [.linkedLibrary("m")]
        ),
        /// Sealed secrets (`enc:v1:` AES-256-GCM) and the per-install key file.
        .target(
            name: "OutpostSecrets",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        /// TLS material: PEM certificate chains, private keys in every form OpenSSL writes (decrypted by
        /// the system libcrypto), certificate inspection and self-signed generation.
        .target(
            name: "OutpostTLS",
            dependencies: [
                "COpenSSL",
                "OutpostSecrets",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        /// The Lua runtime of the script resource: one sandboxed state per dedicated thread with instruction,
        /// memory and wall-clock limits, Lua 5.1 compatibility shims, the template model and config.lua.
        .target(
            name: "OutpostLua",
            dependencies: [
                "CLua",
                "OutpostConfig",
                "OutpostWire",
                .product(name: "Logging", package: "swift-log"),
                // Insecure.MD5 for tw_dir.calculateMD5 (a change detector the original API promises).
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        /// The AlwaysOn binary protocol: header, bodies, base types, InfoTables, multipart. Pure codec.
        .target(
            name: "OutpostWire",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        /// The edge side of the platform link: TLS WebSocket, AUTH/BIND, request correlation, keep-alive,
        /// fleet-safe reconnect. A `Service`.
        .target(
            name: "OutpostUplink",
            dependencies: [
                "OutpostConfig",
                "OutpostSecrets",
                "OutpostTLS",
                "OutpostWire",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        /// A reference platform speaking AlwaysOn (TLS WebSocket server, thing store, admin HTTP API), so
        /// the uplink can be run and tested on one machine.
        .target(
            name: "OutpostPlatform",
            dependencies: [
                "OutpostConfig",
                "OutpostSecrets",
                "OutpostTLS",
                "OutpostWire",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),

        /// The durable outbox: edge → platform writes kept in SQLite (GRDB, WAL) until the platform
        /// acknowledges them, replayed in per-thing order after an outage.
        .target(
            name: "OutpostOutbox",
            dependencies: [
                "OutpostWire",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        /// The EMS REST facade (`/Thingworx/...`) over Hummingbird: local `LocalEms` services, requests
        /// forwarded to the platform through a `PlatformLink`, platform → edge callbacks over HTTP(S).
        .target(
            name: "OutpostEMS",
            dependencies: [
                "OutpostConfig",
                "OutpostSecrets",
                "OutpostTLS",
                "OutpostWire",
                "OutpostOutbox",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                // TLSUserEvent: LocalEms TestPort waits for the handshake of its useSSL probe.
                .product(name: "NIOTLS", package: "swift-nio"),
                // HTTPRequestPart: BodyReadDeadline sits between Hummingbird's HTTP codec and its handler.
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        /// The Lua script resource (LSR analogue): hosts the Lua things, registers them with the EMS over
        /// HTTPS with the `rap_*` credentials, pushes their values and serves the EMS's callbacks.
        .target(
            name: "OutpostLSR",
            dependencies: [
                "OutpostConfig",
                "OutpostLua",
                "OutpostSecrets",
                "OutpostTLS",
                "OutpostWire",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: The command-line tool

        .executableTarget(
            name: "outpost",
            dependencies: [
                "OutpostConfig",
                "OutpostLua",
                "OutpostSecrets",
                "OutpostTLS",
                "OutpostWire",
                "OutpostPlatform",
                "OutpostUplink",
                "OutpostEMS",
                "OutpostLSR",
                "OutpostOutbox",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings,
            // Release on Linux (docs/rss.md): lld places the code `outpost ems` runs at start-up and idle together
            // (scripts/outpost-startup.order, made by scripts/rss-order.sh), so the kernel maps ~13 MB of
            // .text instead of ~25 MB spread over the whole binary; and only the symbols something needs are
            // exported (SwiftPM's --export-dynamic put 53,000 in the dynamic symbol table and kept code alive),
            // and the position-independent executable's 150,000 relative relocations are packed (DT_RELR,
            // glibc 2.36+) instead of 3.5 MB of `.rela.dyn` that the loader reads at every start.
            linkerSettings: [
                .unsafeFlags([
                    "-use-ld=lld",
                    "-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/scripts/outpost-startup.order",
                    "-Xlinker", "--no-warn-symbol-ordering",
                    "-Xlinker", "--no-export-dynamic",
                    "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
                ], .when(platforms: [.linux], configuration: .release)),
            ]
        ),

        /// libFuzzer entry point over the AlwaysOn codec. `scripts/fuzz-wire.sh` builds it with
        /// `-sanitize=fuzzer,address -DOUTPOST_FUZZ`; a normal build compiles a stub that says so.
        .executableTarget(
            name: "OutpostWireFuzz",
            dependencies: [
                "OutpostWire",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        /// Release-build benchmarks that print figures, one subcommand per mode (`outpost-bench wire`).
        .executableTarget(
            name: "outpost-bench",
            dependencies: [
                "OutpostWire",
                "OutpostOutbox",
                "OutpostPlatform",
                "OutpostSecrets",
                "OutpostUplink",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Tests

        /// What several test targets share: running blocking test bodies off Swift's cooperative pool.
        .target(
            name: "OutpostTestSupport",
            path: "Tests/OutpostTestSupport",
            swiftSettings: swiftSettings
        ),

        .testTarget(
            name: "OutpostConfigTests",
            dependencies: ["OutpostConfig"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OutpostLuaTests",
            dependencies: [
                "OutpostLua",
                "OutpostConfig",
                "OutpostWire",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OutpostSecretsTests",
            dependencies: ["OutpostSecrets"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OutpostTLSTests",
            dependencies: [
                "OutpostTestSupport",
                "OutpostTLS",
                "OutpostSecrets",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OutpostWireTests",
            dependencies: [
                "OutpostWire",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OutpostUplinkTests",
            dependencies: [
                "OutpostTestSupport",
                "OutpostUplink",
                "OutpostPlatform",
                "OutpostConfig",
                "OutpostSecrets",
                "OutpostTLS",
                "OutpostWire",
                "outpost",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OutpostPlatformTests",
            dependencies: [
                "OutpostPlatform",
                "OutpostConfig",
                "OutpostWire",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        /// The EMS REST facade end to end: real sockets, real TLS, curl as the client.
        .testTarget(
            name: "OutpostEMSTests",
            dependencies: [
                "OutpostTestSupport",
                "OutpostEMS",
                "OutpostOutbox",
                "outpost",
                "OutpostConfig",
                "OutpostSecrets",
                "OutpostTLS",
                "OutpostWire",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        /// The durable outbox against real SQLite files.
        .testTarget(
            name: "OutpostOutboxTests",
            dependencies: [
                "OutpostOutbox",
                "OutpostWire",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        /// The script resource end to end: real Lua, real TLS, the EMS and platform as processes.
        .testTarget(
            name: "OutpostLSRTests",
            dependencies: [
                "OutpostTestSupport",
                "OutpostLSR",
                "OutpostLua",
                "OutpostConfig",
                "OutpostSecrets",
                "OutpostTLS",
                "OutpostWire",
                "outpost",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        /// Runs the built `outpost` binary as a process, as an operator would.
        .testTarget(
            name: "OutpostCLITests",
            dependencies: ["outpost", "OutpostTestSupport"],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
