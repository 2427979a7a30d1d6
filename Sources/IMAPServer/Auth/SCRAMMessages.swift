import IMAPSyntax
import MailCore

// The SCRAM messages (RFC 5802 §7): the two the client sends, parsed, and the two the server
// sends, formatted. No attribute value may hold a raw ",", so every message is a list of
// comma-separated fields; the parse functions below take those fields, one per ABNF rule.

/// Why a client message was refused. For logs only: the client is told nothing (RFC 5802 §5.1
/// lets the server end a failed exchange without a server-final message). The names follow
/// `server-error-value` (RFC 5802 §7).
enum SCRAMMessageError: Error, Equatable, CustomStringConvertible {
    /// Not the grammar of RFC 5802 §7; `rule` names the production that did not match.
    case invalidEncoding(rule: String)
    /// A `m=` attribute: mandatory extensions are not understood (RFC 5802 §5.1).
    case extensionsNotSupported
    /// A user name with `=` not followed by `2C` or `3D`, or that SASLprep refuses.
    case invalidUsernameEncoding

    var description: String {
        switch self {
        case .invalidEncoding(let rule): "invalid-encoding (\(rule))"
        case .extensionsNotSupported: "extensions-not-supported"
        case .invalidUsernameEncoding: "invalid-username-encoding"
        }
    }
}

/// `gs2-header = gs2-cbind-flag "," [ authzid ] ","` (RFC 5802 §7).
struct GS2Header: Equatable, Sendable {
    /// `gs2-cbind-flag` (RFC 5802 §6).
    enum ChannelBindingFlag: Equatable, Sendable {
        /// `n`: the client does not support channel binding.
        case notSupported
        /// `y`: the client supports channel binding but thinks the server does not.
        case notAdvertised
        /// `p=cb-name`: the client requires channel binding of this type.
        case required(type: String)
    }

    var flag: ChannelBindingFlag
    /// The decoded authorization identity, as sent (not prepared).
    var authzid: String?
    /// The header as sent, with both commas: the start of the `c=` input (RFC 5802 §5.1).
    var bytes: [UInt8]
}

/// `client-first-message = gs2-header client-first-message-bare` (RFC 5802 §7).
struct ClientFirstMessage: Equatable, Sendable {
    var gs2Header: GS2Header
    /// The decoded `n=` user name, as sent (SASLprep is the exchange's business).
    var username: String
    /// `c-nonce`.
    var nonce: String
    /// `client-first-message-bare` as sent: the first part of AuthMessage (RFC 5802 §3).
    var bare: [UInt8]
}

/// `client-final-message = client-final-message-without-proof "," proof` (RFC 5802 §7).
struct ClientFinalMessage: Equatable, Sendable {
    /// The `c=` value as sent (base64 text).
    var channelBinding: String
    /// The whole `r=` nonce (client's and server's parts).
    var nonce: String
    /// The decoded ClientProof.
    var proof: [UInt8]
    /// `client-final-message-without-proof` as sent: the last part of AuthMessage.
    var withoutProof: [UInt8]
}

enum SCRAMGrammar {
    private static let comma = UInt8(ascii: ",")
    private static let equals = UInt8(ascii: "=")
    private typealias Field = ArraySlice<UInt8>

    // MARK: - Client messages

    /// ```
    /// client-first-message = gs2-header client-first-message-bare
    /// client-first-message-bare = [reserved-mext ","] username "," nonce ["," extensions]
    /// ```
    static func parseClientFirstMessage(_ message: [UInt8]) throws(SCRAMMessageError) -> ClientFirstMessage {
        try requireUTF8(message)
        let fields = message.split(separator: comma, omittingEmptySubsequences: false)
        guard fields.count >= 4 else { throw .invalidEncoding(rule: "client-first-message") }
        let flag = try parseGS2CbindFlag(fields[0])
        let authzid = fields[1].isEmpty ? nil : try parseAuthzid(fields[1])
        let headerLength = fields[0].count + fields[1].count + 2
        if attribute(fields[2]) == UInt8(ascii: "m") { throw .extensionsNotSupported }
        let username = try parseUsername(fields[2])
        let nonce = try parseNonce(fields[3])
        try parseExtensions(fields[4...])
        return ClientFirstMessage(
            gs2Header: GS2Header(flag: flag, authzid: authzid, bytes: Array(message[..<headerLength])),
            username: username, nonce: nonce, bare: Array(message[headerLength...]))
    }

    /// ```
    /// client-final-message-without-proof = channel-binding "," nonce ["," extensions]
    /// client-final-message = client-final-message-without-proof "," proof
    /// ```
    static func parseClientFinalMessage(_ message: [UInt8]) throws(SCRAMMessageError) -> ClientFinalMessage {
        try requireUTF8(message)
        let fields = message.split(separator: comma, omittingEmptySubsequences: false)
        guard fields.count >= 3, let last = fields.last else {
            throw .invalidEncoding(rule: "client-final-message")
        }
        let channelBinding = try parseChannelBinding(fields[0])
        let nonce = try parseNonce(fields[1])
        try parseExtensions(fields[2..<fields.count - 1])
        let proof = try parseProof(last)
        return ClientFinalMessage(channelBinding: channelBinding, nonce: nonce, proof: proof,
                                  withoutProof: Array(message[..<(last.startIndex - 1)]))
    }

    /// `gs2-cbind-flag = ("p=" cb-name) / "n" / "y"`
    private static func parseGS2CbindFlag(_ field: Field) throws(SCRAMMessageError) -> GS2Header.ChannelBindingFlag {
        switch Array(field) {
        case [UInt8(ascii: "n")]: return .notSupported
        case [UInt8(ascii: "y")]: return .notAdvertised
        default:
            guard attribute(field) == UInt8(ascii: "p") else { throw .invalidEncoding(rule: "gs2-cbind-flag") }
            return .required(type: try parseCbName(field.dropFirst(2)))
        }
    }

    /// `cb-name = 1*(ALPHA / DIGIT / "." / "-")`
    private static func parseCbName(_ value: Field) throws(SCRAMMessageError) -> String {
        let allowed = { (byte: UInt8) in
            isAlpha(byte) || (0x30...0x39).contains(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
        }
        guard !value.isEmpty, value.allSatisfy(allowed) else { throw .invalidEncoding(rule: "cb-name") }
        return String(decoding: value, as: UTF8.self)
    }

    /// `authzid = "a=" saslname`
    private static func parseAuthzid(_ field: Field) throws(SCRAMMessageError) -> String {
        guard attribute(field) == UInt8(ascii: "a") else { throw .invalidEncoding(rule: "authzid") }
        return try parseSaslname(field.dropFirst(2))
    }

    /// `username = "n=" saslname`
    private static func parseUsername(_ field: Field) throws(SCRAMMessageError) -> String {
        guard attribute(field) == UInt8(ascii: "n") else { throw .invalidEncoding(rule: "username") }
        return try parseSaslname(field.dropFirst(2))
    }

    /// `saslname = 1*(value-safe-char / "=2C" / "=3D")`: `=2C` stands for "," and `=3D` for
    /// "="; any other "=" fails the exchange (RFC 5802 §5.1 says "'2C' or '3D'", so the
    /// lowercase forms fail too). The field is already known to be UTF-8 without NUL or ",".
    static func parseSaslname(_ value: some Collection<UInt8>) throws(SCRAMMessageError) -> String {
        guard !value.isEmpty else { throw .invalidEncoding(rule: "saslname") }
        var decoded: [UInt8] = []
        var iterator = value.makeIterator()
        while let byte = iterator.next() {
            guard byte == equals else {
                decoded.append(byte)
                continue
            }
            switch (iterator.next(), iterator.next()) {
            case (UInt8(ascii: "2")?, UInt8(ascii: "C")?):
                decoded.append(comma)
            case (UInt8(ascii: "3")?, UInt8(ascii: "D")?):
                decoded.append(equals)
            default:
                throw .invalidUsernameEncoding
            }
        }
        return String(decoding: decoded, as: UTF8.self)
    }

    /// ```
    /// nonce = "r=" c-nonce [s-nonce]
    /// printable = %x21-2B / %x2D-7E
    /// ```
    private static func parseNonce(_ field: Field) throws(SCRAMMessageError) -> String {
        guard attribute(field) == UInt8(ascii: "r") else { throw .invalidEncoding(rule: "nonce") }
        let value = field.dropFirst(2)
        guard value.allSatisfy(isPrintable) else { throw .invalidEncoding(rule: "nonce") }
        return String(decoding: value, as: UTF8.self)
    }

    /// `channel-binding = "c=" base64`; the text is kept, to be compared with the expected one.
    private static func parseChannelBinding(_ field: Field) throws(SCRAMMessageError) -> String {
        guard attribute(field) == UInt8(ascii: "c"), GrammarParser.decodeBase64(field.dropFirst(2)) != nil
        else { throw .invalidEncoding(rule: "channel-binding") }
        return String(decoding: field.dropFirst(2), as: UTF8.self)
    }

    /// `proof = "p=" base64`
    private static func parseProof(_ field: Field) throws(SCRAMMessageError) -> [UInt8] {
        guard attribute(field) == UInt8(ascii: "p"), let proof = GrammarParser.decodeBase64(field.dropFirst(2))
        else { throw .invalidEncoding(rule: "proof") }
        return proof
    }

    /// `extensions = attr-val *("," attr-val)`: unknown optional extensions are ignored, a
    /// mandatory one (`m=`, `reserved-mext`) fails the exchange (RFC 5802 §5.1).
    private static func parseExtensions(_ fields: ArraySlice<Field>) throws(SCRAMMessageError) {
        for field in fields {
            guard let name = attribute(field) else { throw .invalidEncoding(rule: "attr-val") }
            if name == UInt8(ascii: "m") { throw .extensionsNotSupported }
        }
    }

    /// `attr-val = ALPHA "=" value` with `value = 1*value-char`: the attribute's letter, or nil
    /// when the field is not an attribute with a non-empty value.
    private static func attribute(_ field: Field) -> UInt8? {
        guard field.count >= 3, let name = field.first, isAlpha(name),
              field[field.startIndex + 1] == equals else { return nil }
        return name
    }

    /// Every `value-char` is a UTF-8 character other than NUL (RFC 5802 §7); the messages are
    /// UTF-8 as a whole (RFC 5802 §3).
    private static func requireUTF8(_ message: [UInt8]) throws(SCRAMMessageError) {
        guard !message.contains(0), String(validating: message, as: UTF8.self) != nil else {
            throw .invalidEncoding(rule: "value-char")
        }
    }

    private static func isAlpha(_ byte: UInt8) -> Bool {
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    private static func isPrintable(_ byte: UInt8) -> Bool {
        (0x21...0x7E).contains(byte) && byte != comma
    }

    // MARK: - Server messages

    /// `server-first-message = [reserved-mext ","] nonce "," salt "," iteration-count
    /// ["," extensions]`, written without extensions.
    static func serverFirstMessage(nonce: String, salt: [UInt8], iterations: Int) -> [UInt8] {
        Array("r=\(nonce),s=\(base64(salt)),i=\(iterations)".utf8)
    }

    /// `server-final-message = (server-error / verifier) ["," extensions]`, the verifier form:
    /// `v=` and the base64 ServerSignature.
    static func serverFinalMessage(serverSignature: [UInt8]) -> [UInt8] {
        Array("v=\(base64(serverSignature))".utf8)
    }

    /// `saslname` for a name: "," as `=2C` and "=" as `=3D` (RFC 5802 §5.1).
    static func saslname(_ name: String) -> String {
        var result = ""
        for character in name.unicodeScalars {
            switch character {
            case ",": result += "=2C"
            case "=": result += "=3D"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }

    /// Base64 with padding (RFC 4648 §4).
    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let count = min(3, bytes.count - index)
            var group = UInt32(bytes[index]) << 16
            if count > 1 { group |= UInt32(bytes[index + 1]) << 8 }
            if count > 2 { group |= UInt32(bytes[index + 2]) }
            for position in 0..<4 {
                let sextet = Int(group >> UInt32(18 - 6 * position) & 0x3F)
                output.append(position <= count ? alphabet[sextet] : equals)
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}
