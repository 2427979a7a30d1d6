// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Tern",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tern", targets: ["tern"]),
        // The pure modules, also for the fuzzing package in Fuzz/.
        .library(name: "IMAPSyntax", targets: ["IMAPSyntax"]),
        .library(name: "MailMessage", targets: ["MailMessage"]),
        .library(name: "Sieve", targets: ["Sieve"]),
        .library(name: "MailCore", targets: ["MailCore"]),
        .library(name: "MailSort", targets: ["MailSort"]),
        .library(name: "LMTPSyntax", targets: ["LMTPSyntax"]),
        // For the SMTP reply parser's fuzz target (the module itself is not pure).
        .library(name: "SieveDelivery", targets: ["SieveDelivery"]),
        .library(name: "ManageSieveSyntax", targets: ["ManageSieveSyntax"]),
        .library(name: "MailImport", targets: ["MailImport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
    ],
    targets: [
        .target(name: "MailCore", swiftSettings: strict),
        .target(name: "IMAPSyntax", dependencies: [
            "MailCore",
            .product(name: "NIOCore", package: "swift-nio"),
        ], swiftSettings: strict),
        .target(name: "MailMessage", dependencies: ["MailCore"], swiftSettings: strict),
        // SORT and THREAD (RFC 5256, 5957): base subjects, collation keys, sort keys kept per
        // message, the sorter and the threading algorithms; pure.
        .target(name: "MailSort", dependencies: ["MailMessage"], swiftSettings: strict),
        // The Sieve language (RFC 5228 and extensions): pure, bytes in, actions out.
        .target(name: "Sieve", dependencies: ["MailCore", "MailMessage"], swiftSettings: strict),
        .target(name: "MailStore", dependencies: [
            "MailCore", "MailMessage", "MailSort",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
        ], swiftSettings: strict),
        .target(name: "SQLiteMailStore", dependencies: [
            "MailStore", "MailCore", "MailMessage",
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: strict),
        // The in-memory reference backend, for in-process tests of everything above the store.
        .target(name: "MemoryMailStore", dependencies: ["MailCore", "MailStore"], swiftSettings: strict),
        // What every listener shares: deadlines (time to send a command, output left unread) and
        // the group of listening sockets that starts and stops together.
        .target(name: "ConnectionGuards", dependencies: [
            .product(name: "NIOCore", package: "swift-nio"),
        ], swiftSettings: strict),
        // LMTP (RFC 2033) commands, replies and DATA framing: pure, bytes in, values out.
        .target(name: "LMTPSyntax", swiftSettings: strict),
        // Final delivery shared by LMTP and `tern deliver`: recipients, staging once, filing.
        .target(name: "MailDelivery", dependencies: [
            "MailCore", "MailMessage", "MailStore",
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        // Sieve at delivery: runs the user's script for each recipient, sends redirects and
        // vacation responses through the SMTP relay.
        .target(name: "SieveDelivery", dependencies: [
            "Sieve", "MailDelivery", "MailStore", "MailCore", "MailMessage",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: strict),
        .target(name: "IMAPServer", dependencies: [
            "MailCore", "IMAPSyntax", "ConnectionGuards", "MailMessage", "MailStore", "MailSort",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "CompressNIO", package: "compress-nio"),
        ], swiftSettings: strict),
        // ManageSieve (RFC 5804): the pure wire grammar, and the server beside IMAP, which
        // shares IMAP's login checks, connection limits and TLS identity.
        .target(name: "ManageSieveSyntax", swiftSettings: strict),
        .target(name: "ManageSieveServer", dependencies: [
            "ManageSieveSyntax", "IMAPServer", "ConnectionGuards", "Sieve", "MailCore", "MailStore",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], swiftSettings: strict),
        // The LMTP listeners (RFC 2033) in front of the Deliverer.
        .target(name: "LMTPServer", dependencies: [
            "LMTPSyntax", "MailDelivery", "MailStore", "MailCore", "ConnectionGuards",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], swiftSettings: strict),
        // Reading other servers' mail stores (Dovecot Maildir, mbox) for `tern import`: pure.
        .target(name: "MailImport", dependencies: ["MailCore", "IMAPSyntax"], swiftSettings: strict),
        .target(name: "TernCLI", dependencies: [
            "MailImport",
            "IMAPServer", "ManageSieveServer", "ManageSieveSyntax", "Sieve", "MailCore", "MailStore", "SQLiteMailStore",
            "LMTPServer", "MailDelivery", "SieveDelivery",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "TOMLKit", package: "TOMLKit"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
            .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: strict),
        .executableTarget(name: "tern", dependencies: ["TernCLI"], swiftSettings: strict),

        // One storage suite, written against the MailStore protocol, run on every backend.
        .target(name: "MailStoreConformance", dependencies: ["MailStore", "MailCore", "MailMessage", "MailSort"],
                path: "Tests/MailStoreConformance", swiftSettings: strict),

        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(name: "IMAPSyntaxTests", dependencies: [
            "IMAPSyntax", "MailCore", "TestSupport", .product(name: "NIOCore", package: "swift-nio"),
        ], swiftSettings: strict),
        .testTarget(name: "MailMessageTests", dependencies: ["MailMessage", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "MailSortTests", dependencies: ["MailSort", "MailMessage"], swiftSettings: strict),
        .testTarget(name: "SieveTests", dependencies: ["Sieve", "MailCore", "MailMessage", "TestSupport"],
                    swiftSettings: strict),
        .testTarget(name: "SieveDeliveryTests", dependencies: [
            "SieveDelivery", "Sieve", "MailDelivery", "MailStore", "MemoryMailStore", "SQLiteMailStore", "MailCore", "MailMessage",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .testTarget(name: "MailCoreTests", dependencies: ["MailCore"], swiftSettings: strict),
        .testTarget(name: "MailStoreTests", dependencies: ["MailStore", "MailCore"],
                    swiftSettings: strict),
        .testTarget(name: "SQLiteMailStoreTests", dependencies: [
            "SQLiteMailStore", "MailStore", "MailStoreConformance", "MailCore",
            .product(name: "GRDB", package: "GRDB.swift"),
        ], swiftSettings: strict),
        .testTarget(name: "MemoryMailStoreTests", dependencies: [
            "MemoryMailStore", "MailStore", "MailStoreConformance", "MailCore",
            // The differential tests run one workload on both backends.
            "SQLiteMailStore",
        ], swiftSettings: strict),
        .testTarget(name: "IMAPServerTests", dependencies: [
            "IMAPServer", "IMAPSyntax", "ConnectionGuards", "MailCore", "MailStore", "SQLiteMailStore", "MemoryMailStore",
            "TestSupport",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "CompressNIO", package: "compress-nio"),
        ], swiftSettings: strict),
        .testTarget(name: "ManageSieveSyntaxTests", dependencies: ["ManageSieveSyntax"], swiftSettings: strict),
        .testTarget(name: "ManageSieveServerTests", dependencies: [
            "ManageSieveServer", "ManageSieveSyntax", "IMAPServer", "MailCore", "MailStore", "MemoryMailStore",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ], swiftSettings: strict),
        .testTarget(name: "LMTPSyntaxTests", dependencies: ["LMTPSyntax"], swiftSettings: strict),
        .testTarget(name: "MailDeliveryTests", dependencies: [
            "MailDelivery", "MailStore", "MemoryMailStore", "MailCore",
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .testTarget(name: "MailImportTests", dependencies: ["MailImport", "MailCore"], swiftSettings: strict),
        .testTarget(name: "TernCLITests", dependencies: [
            "TernCLI", "IMAPServer", "MailCore", "LMTPServer", "SieveDelivery",
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
        ], swiftSettings: strict),
    ]
)
