/// The bytes libFuzzer hands to `LLVMFuzzerTestOneInput`, copied into an array.
public func fuzzBytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}

/// A fuzz input laid out as control bytes and data, so that a mutation of the data does not
/// change the decisions and a mutation of a decision does not shift the data:
///
///     config  decisionCount  chunkCount  decisions[decisionCount]  chunks[chunkCount]  data...
///
/// Counts larger than what is left are cut to it; a missing header byte reads as 0. The seed
/// builder writes the header as three zero bytes followed by a transcript.
public struct SectionedInput {
    public let config: UInt8
    public let decisions: ControlBytes
    public let chunks: ControlBytes
    public let data: ArraySlice<UInt8>

    public init(_ bytes: [UInt8]) {
        var index = 0
        func take(_ count: Int) -> ArraySlice<UInt8> {
            let end = min(bytes.count, index + count)
            defer { index = end }
            return bytes[index..<end]
        }
        config = take(1).first ?? 0
        let decisionCount = Int(take(1).first ?? 0)
        let chunkCount = Int(take(1).first ?? 0)
        decisions = ControlBytes(take(decisionCount))
        chunks = ControlBytes(take(chunkCount))
        data = bytes[index...]
    }
}

/// A sequence of control bytes read in a cycle; an empty one always answers the default.
/// Copies replay the same sequence, so two runs can take the same decisions.
public struct ControlBytes {
    private let bytes: ArraySlice<UInt8>
    private var position = 0

    public init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    public var isEmpty: Bool { bytes.isEmpty }

    /// The next control byte, or `fallback` if there are none.
    public mutating func next(or fallback: UInt8) -> UInt8 {
        guard !bytes.isEmpty else { return fallback }
        defer { position = (position + 1) % bytes.count }
        return bytes[bytes.startIndex + position]
    }
}
