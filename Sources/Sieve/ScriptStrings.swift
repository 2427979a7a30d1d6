// What strings of a script may hold besides text: encoded characters (RFC 5228 §2.4.2.4)
// and variable references (RFC 5229 §3), both found when the script is compiled.

/// `${hex:...}` and `${unicode:...}` (RFC 5228 §2.4.2.4).
enum EncodedCharacters {
    static func decode(_ text: String, line: Int) throws(SieveError) -> String {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "$"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "{"),
               let close = bytes[(index + 2)...].firstIndex(of: UInt8(ascii: "}")),
               let decoded = try decodeReference(bytes[(index + 2)..<close], line: line) {
                output.append(contentsOf: decoded)
                index = close + 1
                continue
            }
            output.append(bytes[index])
            index += 1
        }
        guard let result = String(validating: output, as: UTF8.self) else {
            throw SieveError(line: line, .invalidEncodedCharacter("hex: bytes that are not UTF-8"))
        }
        return result
    }

    /// The bytes of `hex:...` or `unicode:...`, nil when the text is neither (then it stays).
    private static func decodeReference(_ inner: ArraySlice<UInt8>, line: Int) throws(SieveError) -> [UInt8]? {
        guard let colon = inner.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let kind = String(decoding: inner[..<colon].map(Byte.lowercased), as: UTF8.self)
        guard kind == "hex" || kind == "unicode" else { return nil }
        var groups: [ArraySlice<UInt8>] = []
        var start: Int?
        for index in (colon + 1)..<inner.endIndex {
            let byte = inner[index]
            if byte == Byte.space || byte == Byte.tab || byte == Byte.cr || byte == Byte.lf {
                if let begin = start { groups.append(inner[begin..<index]) }
                start = nil
            } else if hexValue(byte) != nil {
                if start == nil { start = index }
            } else {
                return nil
            }
        }
        if let begin = start { groups.append(inner[begin..<inner.endIndex]) }
        guard !groups.isEmpty else { return nil }
        var output: [UInt8] = []
        for group in groups {
            if kind == "hex" {
                guard group.count % 2 == 0 else { return nil }
                var index = group.startIndex
                while index < group.endIndex {
                    output.append(hexValue(group[index])! << 4 | hexValue(group[index + 1])!)
                    index += 2
                }
            } else {
                let digits = group.drop { $0 == UInt8(ascii: "0") }
                var value: UInt32 = 0
                for byte in digits.prefix(7) { value = value << 4 | UInt32(hexValue(byte)!) }
                guard digits.count <= 6, let scalar = Unicode.Scalar(value) else {
                    let shown = String(decoding: inner, as: UTF8.self)
                    throw SieveError(line: line, .invalidEncodedCharacter(shown))
                }
                output.append(contentsOf: Array(String(Character(scalar)).utf8))
            }
        }
        return output
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// Variable references in strings (RFC 5229 §3):
///
///     variable-ref   = "${" [namespace] variable-name "}"
///     namespace      = identifier "." *sub-namespace
///     variable-name  = num-variable / identifier
///
/// Text that does not form a reference stays as it is.
enum VariableReferences {
    static func segments(of text: String, line: Int,
                         namespaces: Set<String>) throws(SieveError) -> [SieveString.Segment] {
        let bytes = Array(text.utf8)
        var segments: [SieveString.Segment] = []
        var literal: [UInt8] = []
        var index = 0
        func flush() {
            if !literal.isEmpty { segments.append(.text(String(decoding: literal, as: UTF8.self))) }
            literal.removeAll()
        }
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "$"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "{") {
                var end = index + 2
                while end < bytes.count, Byte.isIdentifierStart(bytes[end]) || Byte.isDigit(bytes[end])
                    || bytes[end] == UInt8(ascii: ".") { end += 1 }
                if end < bytes.count, bytes[end] == UInt8(ascii: "}"), end > index + 2 {
                    let inner = String(decoding: bytes[(index + 2)..<end], as: UTF8.self)
                    if inner.utf8.allSatisfy(Byte.isDigit) {
                        flush()
                        segments.append(.match(Int(inner.drop { $0 == "0" }.prefix(4)) ?? 0))
                        index = end + 1
                        continue
                    }
                    if let name = name(inner, namespaces: nil) {
                        if let namespace = name.namespace, !namespaces.contains(namespace) {
                            throw SieveError(line: line, .invalidVariableName(inner))
                        }
                        flush()
                        segments.append(.variable(name))
                        index = end + 1
                        continue
                    }
                }
            }
            literal.append(bytes[index])
            index += 1
        }
        flush()
        return segments
    }

    /// Parses `[namespace "."] identifier`, lower-cased; nil when malformed or when the
    /// namespace is not one of `namespaces` (nil: any namespace).
    static func name(_ text: String, namespaces: Set<String>?) -> VariableName? {
        let parts = text.lowercased().split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return nil }
        for part in parts {
            guard let first = part.utf8.first, Byte.isIdentifierStart(first) || parts.count == 1,
                  part.utf8.allSatisfy({ Byte.isIdentifierStart($0) || Byte.isDigit($0) }) else { return nil }
        }
        if parts.count == 1 {
            guard let first = parts[0].utf8.first,
                  Byte.isIdentifierStart(first) || parts[0].utf8.allSatisfy(Byte.isDigit) else { return nil }
            return VariableName(namespace: nil, name: String(parts[0]))
        }
        let namespace = String(parts[0])
        if let namespaces, !namespaces.contains(namespace) { return nil }
        return VariableName(namespace: namespace, name: String(parts[1]))
    }
}
