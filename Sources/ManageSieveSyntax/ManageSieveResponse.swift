/// A response code (RFC 5804 §1.3): a `/`-separated name, maybe with a string argument
/// (`TAG`, `SASL`).
public struct ManageSieveResponseCode: Hashable, Sendable {
    public var name: String
    public var argument: [UInt8]?

    public init(_ name: String, argument: [UInt8]? = nil) {
        self.name = name
        self.argument = argument
    }

    public static let authTooWeak = Self("AUTH-TOO-WEAK")
    public static let encryptNeeded = Self("ENCRYPT-NEEDED")
    public static let quota = Self("QUOTA")
    public static let quotaMaxScripts = Self("QUOTA/MAXSCRIPTS")
    public static let quotaMaxSize = Self("QUOTA/MAXSIZE")
    public static let tryLater = Self("TRYLATER")
    public static let active = Self("ACTIVE")
    public static let nonexistent = Self("NONEXISTENT")
    public static let alreadyExists = Self("ALREADYEXISTS")
    public static let warnings = Self("WARNINGS")
    public static func tag(_ bytes: [UInt8]) -> Self { Self("TAG", argument: bytes) }
    public static func sasl(_ base64: [UInt8]) -> Self { Self("SASL", argument: base64) }
}

/// How a command ends (RFC 5804 §4 `response-oknobye`).
public struct ManageSieveResponse: Hashable, Sendable {
    public enum Status: String, Hashable, Sendable {
        case ok = "OK", no = "NO", bye = "BYE"
    }

    public var status: Status
    public var code: ManageSieveResponseCode?
    /// Human-readable text (UTF-8, RFC 5804 §1.2); nil for none.
    public var text: String?

    public init(_ status: Status, code: ManageSieveResponseCode? = nil, _ text: String? = nil) {
        self.status = status
        self.code = code
        self.text = text
    }

    public static func ok(_ text: String? = nil, code: ManageSieveResponseCode? = nil) -> Self {
        Self(.ok, code: code, text)
    }

    public static func no(_ text: String, code: ManageSieveResponseCode? = nil) -> Self {
        Self(.no, code: code, text)
    }

    public static func bye(_ text: String, code: ManageSieveResponseCode? = nil) -> Self {
        Self(.bye, code: code, text)
    }
}

/// Writes what the server sends (RFC 5804 §4): responses, capability lines, script lists,
/// strings. Every string goes out quoted when it can (short, no CR, LF or NUL) and as a
/// `literal-s2c` (`{n}` CRLF octets) otherwise, so any octets travel intact.
public enum ManageSieveEncoder {
    /// The longest string sent quoted (RFC 5804 §4 `quoted`: at most 1024 octets).
    static let maximumQuoted = 1024

    /// `string`: quoted or literal.
    public static func string(_ bytes: some Collection<UInt8>, into output: inout [UInt8]) {
        let quotable = bytes.count <= maximumQuoted && !bytes.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 }
        if quotable {
            output.append(UInt8(ascii: "\""))
            for byte in bytes {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { output.append(UInt8(ascii: "\\")) }
                output.append(byte)
            }
            output.append(UInt8(ascii: "\""))
        } else {
            output.append(contentsOf: Array("{\(bytes.count)}\r\n".utf8))
            output.append(contentsOf: bytes)
        }
    }

    public static func string(_ text: String, into output: inout [UInt8]) {
        string(Array(text.utf8), into: &output)
    }

    /// `response-oknobye`: `OK`, `NO` or `BYE`, the code in parentheses, the text.
    public static func response(_ response: ManageSieveResponse, into output: inout [UInt8]) {
        output.append(contentsOf: Array(response.status.rawValue.utf8))
        if let code = response.code {
            output.append(contentsOf: Array(" (\(code.name)".utf8))
            if let argument = code.argument {
                output.append(UInt8(ascii: " "))
                string(argument, into: &output)
            }
            output.append(UInt8(ascii: ")"))
        }
        if let text = response.text {
            output.append(UInt8(ascii: " "))
            string(text, into: &output)
        }
        output.append(contentsOf: crlf)
    }

    /// `single-capability`: the name and its value, if any, as strings.
    public static func capability(_ name: String, _ value: String?, into output: inout [UInt8]) {
        string(name, into: &output)
        if let value {
            output.append(UInt8(ascii: " "))
            string(value, into: &output)
        }
        output.append(contentsOf: crlf)
    }

    /// One line of LISTSCRIPTS: the name, and `ACTIVE` for the active script (§2.7).
    public static func scriptListing(_ name: String, active: Bool, into output: inout [UInt8]) {
        string(name, into: &output)
        if active { output.append(contentsOf: Array(" ACTIVE".utf8)) }
        output.append(contentsOf: crlf)
    }

    /// A string on a line of its own: GETSCRIPT's script (§2.9), a SASL challenge (§2.1).
    public static func stringLine(_ bytes: some Collection<UInt8>, into output: inout [UInt8]) {
        string(bytes, into: &output)
        output.append(contentsOf: crlf)
    }

    /// A literal on a line of its own, whatever its content: GETSCRIPT's script (§2.9), so
    /// that clients get the script's line ends exactly.
    public static func literalLine(_ bytes: some Collection<UInt8>, into output: inout [UInt8]) {
        output.append(contentsOf: Array("{\(bytes.count)}\r\n".utf8))
        output.append(contentsOf: bytes)
        output.append(contentsOf: crlf)
    }

    static let crlf: [UInt8] = [0x0D, 0x0A]
}
