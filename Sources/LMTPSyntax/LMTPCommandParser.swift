/// Parses one command line (without its CRLF) into an `LMTPCommand`: pure, bytes in, value out.
///
/// Verbs are case-insensitive (RFC 5321 §2.4). Paths are taken between `<` and `>` with quoted
/// local parts kept whole; a source route (`<@a,@b:user@c>`) is dropped as §4.1.2 allows. UTF-8
/// in paths is accepted (RFC 6531) whether or not the client said SMTPUTF8, as Dovecot does.
public enum LMTPCommandParser {
    public static func parse(_ line: [UInt8]) -> Result<LMTPCommand, LMTPSyntaxError> {
        if line.contains(where: { $0 == 0 || $0 == 13 || $0 == 10 }) { return .failure(.invalidCharacters) }
        guard let text = String(validating: line, as: UTF8.self) else { return .failure(.invalidCharacters) }
        let verbEnd = text.firstIndex(of: " ") ?? text.endIndex
        let verb = text[..<verbEnd].uppercased()
        let argument = text[verbEnd...].drop(while: { $0 == " " })
        switch verb {
        case "LHLO": return parseLHLO(argument)
        case "MAIL": return parseMail(argument)
        case "RCPT": return parseRcpt(argument)
        case "DATA": return noArgument(argument, .data)
        case "BDAT": return parseBDAT(argument)
        case "RSET": return noArgument(argument, .rset)
        case "NOOP": return .success(.noop)  // RFC 5321 §4.1.1.9: a parameter is ignored
        case "QUIT": return noArgument(argument, .quit)
        case "VRFY":
            guard !argument.isEmpty else { return .failure(.badArguments("VRFY needs an argument")) }
            return .success(.vrfy(String(argument)))
        case "HELP": return .success(.help(argument.isEmpty ? nil : String(argument)))
        case "HELO", "EHLO": return .failure(.unknownCommand(verb + " (this is LMTP: use LHLO)"))
        default: return .failure(.unknownCommand(verb))
        }
    }

    private static func noArgument(_ argument: Substring, _ command: LMTPCommand) -> Result<LMTPCommand, LMTPSyntaxError> {
        argument.isEmpty ? .success(command) : .failure(.badArguments("No parameters allowed"))
    }

    /// `"LHLO" SP Domain CRLF` (RFC 2033 §4.1; Domain or address literal, RFC 5321 §4.1.1.1).
    static func parseLHLO(_ argument: Substring) -> Result<LMTPCommand, LMTPSyntaxError> {
        let name = argument.trimmingSuffixSpaces
        guard !name.isEmpty, !name.contains(" ") else { return .failure(.badArguments("LHLO needs a domain name")) }
        return .success(.lhlo(String(name)))
    }

    /// `"MAIL FROM:" Reverse-path [SP Mail-parameters] CRLF` (RFC 5321 §4.1.1.2).
    static func parseMail(_ argument: Substring) -> Result<LMTPCommand, LMTPSyntaxError> {
        guard let rest = argument.droppingPrefix(caseInsensitive: "FROM:") else {
            return .failure(.badArguments("Syntax: MAIL FROM:<address>"))
        }
        guard let (path, parameters) = parsePath(rest) else { return .failure(.badArguments("Bad sender address syntax")) }
        var mail = MailParameters()
        for parameter in parameters {
            let (keyword, value) = parameter
            switch keyword.uppercased() {
            case "SIZE":
                guard let value, !value.isEmpty, value.count <= 20, value.allSatisfy(\.isASCIIDigit),
                      let size = UInt64(value) else { return .failure(.badArguments("Bad SIZE parameter")) }
                mail.size = size
            case "BODY":
                guard let value, let body = BodyType(rawValue: value.uppercased()) else {
                    return .failure(.badArguments("Bad BODY parameter"))
                }
                mail.body = body
            case "SMTPUTF8":
                guard value == nil else { return .failure(.badArguments("SMTPUTF8 takes no value")) }
                mail.smtpUTF8 = true
            default:
                return .failure(.unsupportedParameter(keyword))
            }
        }
        return .success(.mailFrom(path, mail))
    }

    /// `"RCPT TO:" ( "<Postmaster@" Domain ">" / "<Postmaster>" / Forward-path ) [SP Rcpt-parameters]`
    /// (RFC 5321 §4.1.1.3); no RCPT parameters are supported.
    static func parseRcpt(_ argument: Substring) -> Result<LMTPCommand, LMTPSyntaxError> {
        guard let rest = argument.droppingPrefix(caseInsensitive: "TO:") else {
            return .failure(.badArguments("Syntax: RCPT TO:<address>"))
        }
        guard let (path, parameters) = parsePath(rest), !path.isEmpty else {
            return .failure(.badArguments("Bad recipient address syntax"))
        }
        if let first = parameters.first { return .failure(.unsupportedParameter(first.keyword)) }
        return .success(.rcptTo(path))
    }

    /// `"BDAT" SP chunk-size [SP end-marker]` (RFC 3030 §2).
    static func parseBDAT(_ argument: Substring) -> Result<LMTPCommand, LMTPSyntaxError> {
        let words = argument.split(separator: " ", omittingEmptySubsequences: true)
        guard (1...2).contains(words.count), words[0].count <= 20, words[0].allSatisfy(\.isASCIIDigit),
              let size = UInt64(words[0]) else { return .failure(.badArguments("Syntax: BDAT size [LAST]")) }
        if words.count == 2 {
            guard words[1].uppercased() == "LAST" else { return .failure(.badArguments("Syntax: BDAT size [LAST]")) }
            return .success(.bdat(size: size, last: true))
        }
        return .success(.bdat(size: size, last: false))
    }

    /// `Path [SP parameters]`: the address between `<>` (quoted strings may hold `>` and
    /// spaces), its source route dropped, then `keyword[=value]` parameters (§4.1.2).
    static func parsePath(_ text: Substring) -> (String, [(keyword: String, value: String?)])? {
        let text = text.drop(while: { $0 == " " })  // some clients put a space after the colon
        guard text.first == "<" else { return nil }
        var inQuotes = false
        var escaped = false
        var end: Substring.Index?
        var index = text.index(after: text.startIndex)
        while index < text.endIndex {
            let character = text[index]
            if escaped {
                escaped = false
            } else if character == "\\" && inQuotes {
                escaped = true
            } else if character == "\"" {
                inQuotes.toggle()
            } else if character == ">" && !inQuotes {
                end = index
                break
            } else if character == " " && !inQuotes {
                return nil
            }
            index = text.index(after: index)
        }
        guard let end else { return nil }
        var path = text[text.index(after: text.startIndex)..<end]
        if path.first == "@" {
            // A source route: `@one,@two:mailbox`.
            guard let colon = path.firstIndex(of: ":") else { return nil }
            path = path[path.index(after: colon)...]
        }
        if !path.isEmpty, !isMailbox(path) { return nil }
        var parameters: [(keyword: String, value: String?)] = []
        for word in text[text.index(after: end)...].split(separator: " ", omittingEmptySubsequences: true) {
            let parts = word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let keyword = String(parts[0])
            // esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
            guard let first = keyword.first, first.isASCIILetterOrDigit,
                  keyword.allSatisfy({ $0.isASCIILetterOrDigit || $0 == "-" }) else { return nil }
            parameters.append((keyword, parts.count == 2 ? String(parts[1]) : nil))
        }
        guard text[text.index(after: end)...].isEmpty || text[text.index(after: end)] == " " else { return nil }
        return (String(path), parameters)
    }

    /// `Local-part "@" ( Domain / address-literal )`, or a bare local part (`postmaster`, a
    /// user name): at most one `@` outside quotes, neither side empty.
    static func isMailbox(_ path: Substring) -> Bool {
        var inQuotes = false
        var escaped = false
        var at: Substring.Index?
        for index in path.indices {
            let character = path[index]
            if escaped { escaped = false; continue }
            if character == "\\" && inQuotes { escaped = true; continue }
            if character == "\"" { inQuotes.toggle(); continue }
            if inQuotes { continue }
            if character == "@" {
                if at != nil { return false }
                at = index
            } else if character == "<" || character == ">" || character == "," || character == ":" && at == nil {
                return false
            }
        }
        guard !inQuotes else { return false }
        if let at { return at != path.startIndex && path.index(after: at) != path.endIndex }
        return true
    }
}

extension Substring {
    fileprivate func droppingPrefix(caseInsensitive prefix: String) -> Substring? {
        guard count >= prefix.count, self.prefix(prefix.count).uppercased() == prefix else { return nil }
        return dropFirst(prefix.count)
    }

    fileprivate var trimmingSuffixSpaces: Substring {
        var text = self
        while text.last == " " { text = text.dropLast() }
        return text
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
    fileprivate var isASCIILetterOrDigit: Bool { isASCII && (isLetter || isNumber) }
}
