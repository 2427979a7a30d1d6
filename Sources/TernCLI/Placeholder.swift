public import ArgumentParser
public struct TernCommand: AsyncParsableCommand { public init() {} ; public func run() async throws {} }
