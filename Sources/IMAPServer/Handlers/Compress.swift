import IMAPSyntax

extension Session {
    /// COMPRESS (RFC 4978 §3): the tagged OK is the last uncompressed data; from the byte
    /// after its CRLF both directions are raw DEFLATE (`TransportLayer.deflate`), inside TLS
    /// when TLS is active. Only DEFLATE exists; compressing twice is refused.
    func compress(algorithm: String) -> CommandOutcome {
        guard algorithm == "DEFLATE" else { return .bad("Unknown compression algorithm: \(algorithm)") }
        // RFC 4978 §3: BAD when COMPRESS itself is already active (NO is for another layer
        // that compresses, which this server never has); the code tells the client why.
        guard !transport.compressed else {
            return .bad("DEFLATE is already active", code: .other("COMPRESSIONACTIVE", nil))
        }
        var outcome = CommandOutcome.ok("DEFLATE active")
        outcome.switchTransport = .deflate
        return outcome
    }
}
