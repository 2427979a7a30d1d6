import MailCore
public import MailStore

/// One rule of the storage contract, checked against a fresh, empty store.
public struct ConformanceCase: Sendable, CustomStringConvertible {
    public let name: String
    public let run: @Sendable (MailStorage) async throws -> Void

    public init(_ name: String, _ run: @escaping @Sendable (MailStorage) async throws -> Void) {
        self.name = name
        self.run = run
    }

    public var description: String { name }
}

/// The storage suite every backend runs: written only against the storage protocols.
public enum MailStoreConformance {
    public static let cases: [ConformanceCase] =
        accountCases + mailboxCases + renameCases + messageCases + flagCases + transferCases
            + selectedCases + principalCases + binaryCases + ghostCases + sieveCases + sortKeyCases + importCases
            + quotaCases + metadataCases + accountChangeCases + threadCases + accessControlCases
            + previewCases + replaceCases
}

/// A broken rule: what was expected, what came, and where the check is.
public struct ConformanceFailure: Error, CustomStringConvertible {
    public var message: String
    public var location: String

    public var description: String { "\(location): \(message)" }
}

func expect(_ condition: Bool, _ message: @autoclosure () -> String,
            file: StaticString = #fileID, line: UInt = #line) throws {
    guard condition else {
        throw ConformanceFailure(message: message(), location: "\(file):\(line)")
    }
}

func expectEqual<T: Equatable>(_ actual: T, _ expected: T, _ what: @autoclosure () -> String,
                               file: StaticString = #fileID, line: UInt = #line) throws {
    guard actual == expected else {
        throw ConformanceFailure(message: "\(what()): expected \(expected), got \(actual)",
                                 location: "\(file):\(line)")
    }
}

/// Checks that `body` throws exactly `expected`.
func expectError<T>(_ expected: MailStoreError, _ what: @autoclosure () -> String,
                    file: StaticString = #fileID, line: UInt = #line,
                    _ body: () async throws -> T) async throws {
    do {
        _ = try await body()
    } catch let error as MailStoreError {
        try expectEqual(error, expected, what(), file: file, line: line)
        return
    } catch {
        throw ConformanceFailure(message: "\(what()): expected \(expected), got \(error)",
                                 location: "\(file):\(line)")
    }
    throw ConformanceFailure(message: "\(what()): expected \(expected), but it succeeded",
                             location: "\(file):\(line)")
}

/// Checks that `body` throws one of `expected`.
func expectError<T>(oneOf expected: [MailStoreError], _ what: @autoclosure () -> String,
                    file: StaticString = #fileID, line: UInt = #line,
                    _ body: () async throws -> T) async throws {
    do {
        _ = try await body()
    } catch let error as MailStoreError where expected.contains(error) {
        return
    } catch {
        throw ConformanceFailure(message: "\(what()): expected one of \(expected), got \(error)",
                                 location: "\(file):\(line)")
    }
    throw ConformanceFailure(message: "\(what()): expected one of \(expected), but it succeeded",
                             location: "\(file):\(line)")
}

/// Checks that `body` throws anything.
func expectFailure<T>(_ what: @autoclosure () -> String, file: StaticString = #fileID,
                      line: UInt = #line, _ body: () async throws -> T) async throws {
    do {
        _ = try await body()
    } catch {
        return
    }
    throw ConformanceFailure(message: "\(what()): expected an error, but it succeeded",
                             location: "\(file):\(line)")
}
