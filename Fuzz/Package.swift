// swift-tools-version: 6.1
// libFuzzer targets for Tern's pure modules. A separate package so that the main package's
// build and CI never see an executable without `main`: build with
// `swift build --sanitize=fuzzer -c release` here (see README.md, or just use run.sh).
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "TernFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Tern", path: ".."),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // Reading a fuzz input as data and control bytes; shared by the targets.
        .target(name: "FuzzSupport", swiftSettings: strict),
        .executableTarget(name: "FuzzCommandParser", dependencies: [
            "FuzzSupport",
            .product(name: "IMAPSyntax", package: "Tern"),
        ], swiftSettings: strict),
        .executableTarget(name: "FuzzFramer", dependencies: [
            "FuzzSupport",
            .product(name: "IMAPSyntax", package: "Tern"),
            .product(name: "NIOCore", package: "swift-nio"),
        ], swiftSettings: strict),
        .executableTarget(name: "FuzzSieveParser", dependencies: [
            "FuzzSupport",
            .product(name: "Sieve", package: "Tern"),
            .product(name: "MailCore", package: "Tern"),
        ], swiftSettings: strict),
        .executableTarget(name: "FuzzLMTPParser", dependencies: [
            "FuzzSupport",
            .product(name: "LMTPSyntax", package: "Tern"),
        ], swiftSettings: strict),
        .executableTarget(name: "FuzzSMTPReply", dependencies: [
            "FuzzSupport",
            .product(name: "SieveDelivery", package: "Tern"),
        ], swiftSettings: strict),
        .executableTarget(name: "FuzzManageSieve", dependencies: [
            "FuzzSupport",
            .product(name: "ManageSieveSyntax", package: "Tern"),
        ], swiftSettings: strict),
        .executableTarget(name: "FuzzMailImport", dependencies: [
            "FuzzSupport",
            .product(name: "MailImport", package: "Tern"),
        ], swiftSettings: strict),
        .executableTarget(name: "FuzzMessageParser", dependencies: [
            "FuzzSupport",
            .product(name: "MailMessage", package: "Tern"),
            .product(name: "MailSort", package: "Tern"),
        ], swiftSettings: strict),
    ]
)
