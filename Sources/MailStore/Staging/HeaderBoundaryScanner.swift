/// Tracks where the header block of a message ends while its bytes stream past:
/// the first empty line (CRLF CRLF, or LF LF for bare-LF input) ends it.
public struct HeaderBoundaryScanner: Sendable {
    /// 1 = at the start of a line, 2 = after CR at the start of a line, 0 = inside a line.
    private var state: UInt8 = 1
    private var consumed: UInt64 = 0
    /// nil until the end of the header block has been seen.
    public private(set) var headerSize: UInt64?

    public init() {}

    public mutating func scan(_ bytes: UnsafeRawBufferPointer) {
        guard headerSize == nil else { return }
        for (index, byte) in bytes.enumerated() {
            switch (state, byte) {
            case (1, UInt8(ascii: "\n")), (2, UInt8(ascii: "\n")):
                headerSize = consumed + UInt64(index) + 1
                return
            case (1, UInt8(ascii: "\r")): state = 2
            case (_, UInt8(ascii: "\n")): state = 1
            default: state = 0
            }
        }
        consumed += UInt64(bytes.count)
    }

    /// The header size for a message of `total` bytes: the whole message if no empty line came.
    public func headerSize(total: UInt64) -> UInt64 { headerSize ?? total }
}
