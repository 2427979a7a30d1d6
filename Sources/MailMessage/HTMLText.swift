/// HTML reduced to the text a reader sees, for previews (RFC 8970 §3.3: "The server SHOULD
/// remove any formatting markup"). Not an HTML parser: a small scanner over the WHATWG
/// tokenizer's main cases, which never fails and reads each character once.
///
/// - Tags are removed; block-level tags (and `<br>`) become white space, inline ones
///   (`<b>`, `<span>`, `<a>`, ...) nothing, so `<b>H</b>ello` stays one word.
/// - The content of `<head>`, `<title>`, `<style>`, `<script>`, `<template>` and of quoted
///   text (`<blockquote>`, as replies quote the message they answer) is left out, nested
///   blockquotes included; so are comments, `<!DOCTYPE>` and `<![CDATA[...]]>`.
/// - Character references (`&amp;`, `&#233;`, `&#xE9;`, the common named ones) are decoded;
///   an unknown or malformed one is kept as written.
public enum HTMLText {
    /// The visible text of `html`.
    public static func plainText(_ html: String) -> String {
        var scanner = Scanner(html)
        return scanner.run()
    }

    /// Elements whose content is not shown (or is quoted text).
    static let hiddenElements: Set<String> = ["head", "title", "style", "script", "template", "blockquote",
                                              "noscript", "object", "svg"]
    /// Elements that do not separate words.
    static let inlineElements: Set<String> = ["a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "data",
                                              "dfn", "em", "font", "i", "kbd", "mark", "q", "s", "samp",
                                              "small", "span", "strike", "strong", "sub", "sup", "time", "tt",
                                              "u", "var", "wbr", "o:p"]
    /// Named character references mail commonly holds (HTML's full table has 2,231).
    static let namedReferences: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}", "copy": "©",
        "reg": "®", "trade": "™", "hellip": "…", "mdash": "—", "ndash": "–", "lsquo": "‘", "rsquo": "’",
        "ldquo": "“", "rdquo": "”", "laquo": "«", "raquo": "»", "bull": "•", "middot": "·", "euro": "€",
        "pound": "£", "yen": "¥", "cent": "¢", "sect": "§", "para": "¶", "deg": "°", "times": "×",
        "divide": "÷", "shy": "\u{AD}", "zwnj": "\u{200C}", "zwj": "\u{200D}", "ensp": "\u{2002}",
        "emsp": "\u{2003}", "thinsp": "\u{2009}", "auml": "ä", "ouml": "ö", "uuml": "ü", "Auml": "Ä",
        "Ouml": "Ö", "Uuml": "Ü", "szlig": "ß", "eacute": "é", "egrave": "è", "ecirc": "ê", "aacute": "á",
        "agrave": "à", "acirc": "â", "ccedil": "ç", "iacute": "í", "oacute": "ó", "uacute": "ú",
        "ntilde": "ñ", "Eacute": "É", "aring": "å", "Aring": "Å", "oslash": "ø", "Oslash": "Ø",
        "aelig": "æ", "AElig": "Æ", "iexcl": "¡", "iquest": "¿",
    ]

    private struct Scanner {
        let characters: [Character]
        var index = 0
        var output = ""
        /// The hidden elements open around the current position, innermost last.
        var hidden: [String] = []

        init(_ html: String) {
            characters = Array(html)
        }

        mutating func run() -> String {
            while index < characters.count {
                let character = characters[index]
                if character == "<" {
                    markup()
                } else if character == "&" {
                    reference()
                } else {
                    emit(String(character))
                    index += 1
                }
            }
            return output
        }

        mutating func emit(_ text: String) {
            if hidden.isEmpty { output += text }
        }

        /// Whether the characters at the current position spell `text` (ASCII, ignoring case).
        func looking(at text: String, from start: Int? = nil) -> Bool {
            var position = start ?? index
            for expected in text {
                guard position < characters.count,
                      characters[position].lowercased() == expected.lowercased() else { return false }
                position += 1
            }
            return true
        }

        /// Skips to just after `terminator` (or to the end).
        mutating func skip(past terminator: String) {
            while index < characters.count && !looking(at: terminator) { index += 1 }
            index = min(index + terminator.count, characters.count)
        }

        /// At `<`: a comment, a declaration, a tag, or a lone `<` that is text.
        mutating func markup() {
            if looking(at: "<!--") {
                index += 4
                skip(past: "-->")
                return
            }
            if looking(at: "<![cdata[") {
                index += 9
                skip(past: "]]>")
                return
            }
            let next = index + 1 < characters.count ? characters[index + 1] : " "
            if next == "!" || next == "?" {
                skip(past: ">")
                return
            }
            let closing = next == "/"
            let nameStart = index + (closing ? 2 : 1)
            guard nameStart < characters.count, characters[nameStart].isLetter else {
                emit("<")
                index += 1
                return
            }
            var end = nameStart
            while end < characters.count, !characters[end].isWhitespace, characters[end] != ">",
                  characters[end] != "/" {
                end += 1
            }
            let name = String(characters[nameStart..<end]).lowercased()
            index = end
            skipAttributes()
            tag(name, closing: closing)
        }

        /// Skips a tag's attributes up to its `>`, honouring quoted values (which may hold `>`).
        mutating func skipAttributes() {
            var quote: Character?
            while index < characters.count {
                let character = characters[index]
                index += 1
                if let open = quote {
                    if character == open { quote = nil }
                } else if character == "\"" || character == "'" {
                    quote = character
                } else if character == ">" {
                    return
                }
            }
        }

        mutating func tag(_ name: String, closing: Bool) {
            if HTMLText.hiddenElements.contains(name) {
                if closing {
                    if let last = hidden.lastIndex(of: name) { hidden.removeSubrange(last...) }
                } else if name == "script" || name == "style" {
                    // Raw text: their content is not markup, so skip straight to the end tag.
                    skip(past: "</\(name)")
                    skipAttributes()
                } else {
                    hidden.append(name)
                }
                emit(" ")
                return
            }
            if !HTMLText.inlineElements.contains(name) { emit(" ") }
        }

        /// At `&`: a character reference, or a lone `&` that is text.
        mutating func reference() {
            var end = index + 1
            while end < characters.count, end - index <= 32, characters[end].isLetter || characters[end].isNumber
                || characters[end] == "#" {
                end += 1
            }
            let body = String(characters[(index + 1)..<end])
            let terminated = end < characters.count && characters[end] == ";"
            if let text = HTMLText.decodeReference(body) {
                emit(text)
                index = terminated ? end + 1 : end
            } else {
                emit("&")
                index += 1
            }
        }
    }

    /// The text of a character reference's body (`amp`, `#233`, `#xE9`), or nil.
    static func decodeReference(_ body: String) -> String? {
        if body.hasPrefix("#") {
            let digits = body.dropFirst()
            let value: UInt32?
            if digits.first == "x" || digits.first == "X" {
                value = UInt32(digits.dropFirst(), radix: 16)
            } else {
                value = UInt32(digits, radix: 10)
            }
            guard let value, value != 0, let scalar = Unicode.Scalar(value) else { return value == nil ? nil : "\u{FFFD}" }
            return String(Character(scalar))
        }
        return namedReferences[body]
    }
}
