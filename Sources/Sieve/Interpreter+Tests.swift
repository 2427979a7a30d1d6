import MailCore
import MailMessage

// The tests: what each one compares (RFC 5228 §5, RFC 5173, RFC 5229 §5, RFC 5232 §4,
// RFC 5260, RFC 5490 §3.1, RFC 5183 §4), and the comparison itself (§2.7).

extension Interpreter {
    mutating func test(_ test: Test, _ frame: inout Frame) throws(SieveRuntimeError) -> Bool {
        try spend()
        switch test {
        case .constant(let value):
            return value
        case .not(let inner):
            return !(try self.test(inner, &frame))
        case .allOf(let tests):
            for inner in tests {
                guard try self.test(inner, &frame) else { return false }
            }
            return true
        case .anyOf(let tests):
            for inner in tests {
                if try self.test(inner, &frame) { return true }
            }
            return false
        case .address(let match, let part, let index, let headers, let keys):
            var values: [String] = []
            // RFC 5260 §6: :index counts the fields of all the names, in the order named.
            let names = expand(headers, frame).filter { SieveAddresses.addressHeaders.contains($0.lowercased()) }
            for field in select(names.flatMap { message.fields(named: $0) }, index) {
                let addresses = AddressParser.parseAddressList(message.unfoldedValue(field))
                for parts in SieveAddresses.parts(of: addresses) {
                    if let value = parts.part(part, separator: limits.subaddressSeparator) { values.append(value) }
                }
            }
            return try evaluate(values, keys, match, &frame)
        case .envelope(let match, let part, let parts, let keys):
            var values: [String] = []
            for name in expand(parts, frame) {
                let address: String
                switch name.lowercased() {
                case "from": address = context.envelope.from
                case "to": address = context.envelope.to
                default: continue
                }
                if address.isEmpty || address == "<>" {
                    // The null reverse path compares as the empty string (RFC 5228 §5.4).
                    if part != .detail { values.append("") }
                    continue
                }
                if let value = SieveAddresses.envelopeParts(address).part(part, separator: limits.subaddressSeparator) {
                    values.append(value)
                }
            }
            return try evaluate(values, keys, match, &frame)
        case .exists(let names):
            return expand(names, frame).allSatisfy { !message.fields(named: $0).isEmpty }
        case .header(let match, let index, let headers, let keys):
            let fields = expand(headers, frame).flatMap { message.fields(named: $0) }
            let values = select(fields, index).map { message.decodedValue($0) }
            return try evaluate(values, keys, match, &frame)
        case .size(let over, let limit):
            return over ? message.size > limit : message.size < limit
        case .body(let match, let transform, let keys):
            return try evaluate(try bodyValues(transform, frame), keys, match, &frame)
        case .string(let match, let sources, let keys):
            var values = expand(sources, frame)
            // RFC 5229 §5: :count counts the source strings that are not empty.
            if case .count = match.type { values.removeAll { $0.isEmpty } }
            return try evaluate(values, keys, match, &frame)
        case .hasFlag(let match, let variables, let keys):
            // RFC 5232 §4: the count of several variables is the sum of their counts.
            let values = variables.map { names in names.flatMap { flagList(lookup($0, frame)) } } ?? flags
            if case .count = match.type { return try evaluate(values, keys, match, &frame) }
            let keyFlags = flagList(expand(keys, frame)).map { SieveString(constant: $0) }
            return try evaluate(values, keyFlags, match, &frame)
        case .date(let match, let zone, let index, let header, let part, let keys):
            guard let part = DateParts.Part(rawValue: expand(part, frame).lowercased()) else { return false }
            let name = expand(header, frame)
            var values: [String] = []
            for field in select(message.fields(named: name), index) {
                var text = message.unfoldedValue(field)[...]
                if name.lowercased() == "received", let semicolon = text.lastIndex(of: UInt8(ascii: ";")) {
                    text = text[(semicolon + 1)...]
                }
                guard let date = MessageDate.parse(text) else { continue }
                let zoneMinutes: Int
                switch zone {
                case .local: zoneMinutes = context.now.zoneMinutes
                case .original: zoneMinutes = date.zoneMinutes
                case .zone(let text):
                    guard let minutes = DateParts.zoneMinutes(expand(text, frame)) else { return false }
                    zoneMinutes = minutes
                }
                let moment = zone == .original
                    ? ZonedDateTime(date: CalendarDate(year: date.year, month: date.month, day: date.day),
                                    hour: date.hour, minute: date.minute, second: date.second,
                                    zoneMinutes: date.zoneMinutes)
                    : ZonedDateTime(secondsSince1970: date.secondsSince1970, zoneMinutes: zoneMinutes)
                values.append(DateParts.value(part, of: moment))
            }
            return try evaluate(values, keys, match, &frame)
        case .currentDate(let match, let zone, let part, let keys):
            guard let part = DateParts.Part(rawValue: expand(part, frame).lowercased()) else { return false }
            var now = context.now
            if case .zone(let text) = zone {
                guard let minutes = DateParts.zoneMinutes(expand(text, frame)) else { return false }
                now = ZonedDateTime(secondsSince1970: now.secondsSince1970, zoneMinutes: minutes)
            }
            return try evaluate([DateParts.value(part, of: now)], keys, match, &frame)
        case .mailboxExists(let names):
            return expand(names, frame).allSatisfy { MailboxNames.isValid($0) && host.mailboxExists($0) }
        case .environment(let match, let name, let keys):
            var values = context.environment[expand(name, frame).lowercased()].map { [$0] } ?? []
            // RFC 5183 §4: the count is 0 for an empty value too.
            if case .count = match.type { values.removeAll { $0.isEmpty } }
            return try evaluate(values, keys, match, &frame)
        }
    }

    /// RFC 5260 §6.1: the field `index` picks (counting from the end with `fromLast`), or all.
    func select(_ fields: [HeaderField], _ index: FieldIndex?) -> [HeaderField] {
        guard let index else { return fields }
        guard index.number <= fields.count else { return [] }
        return [fields[index.fromLast ? fields.count - index.number : index.number - 1]]
    }

    /// Compares values with keys (RFC 5228 §2.7): true when any pair matches; `:count`
    /// compares the number of values (RFC 5231 §4.2). A successful `:matches` sets the match
    /// variables (RFC 5229 §3.2).
    mutating func evaluate(_ values: [String], _ keys: [SieveString], _ match: Match,
                           _ frame: inout Frame) throws(SieveRuntimeError) -> Bool {
        let keys = expand(keys, frame)
        do {
            if case .count = match.type {
                return try Matching.count(values.count, keys: keys, match, budget: &budget)
            }
            var captures: [String] = []
            for value in values {
                for key in keys {
                    guard try Matching.matches(value, key, match, captures: &captures, budget: &budget) else {
                        continue
                    }
                    if match.type == .matches {
                        frame.matches = captures.map { Variables.truncated($0, to: limits.maximumVariableSize) }
                    }
                    return true
                }
            }
            return false
        } catch {
            throw failure(.stepBudgetExhausted(limit: limits.maximumSteps))
        }
    }

    // MARK: Body (RFC 5173 §5)

    /// The strings a body test compares: none when the header has no empty line after it.
    func bodyValues(_ transform: BodyTransform, _ frame: Frame) throws(SieveRuntimeError) -> [String] {
        guard message.header.isTerminated else { return [] }
        let root = message.structure.root
        var collector = BodyCollector(budget: limits.maximumBodyTextSize)
        message.bytes.withUnsafeBytes { bytes in
            switch transform {
            case .raw:
                collector.add(bytes, root.bodyRange)
            case .text:
                MessageText.forEachBodyText(in: bytes, structure: message.structure,
                                            options: MessageText.Options(includesEmbeddedHeaders: false)) { text in
                    collector.add(text)
                }
            case .content(let types):
                let types = expand(types, frame)
                collector.visit(root, types: types, in: bytes)
            }
        }
        return collector.values
    }
}

/// Gathers the strings of a body test up to a total size (`maximumBodyTextSize`).
struct BodyCollector {
    var values: [String] = []
    var budget: Int

    /// Adds a string; false once the budget is spent.
    @discardableResult
    mutating func add(_ text: String) -> Bool {
        guard budget > 0 else { return false }
        let cut = Variables.truncated(text, to: budget)
        budget -= max(cut.utf8.count, 1)
        values.append(cut)
        return budget > 0
    }

    mutating func add(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) {
        let range = range.clamped(to: 0..<bytes.count)
        add(CharsetDecoder.decode(UnsafeRawBufferPointer(rebasing: bytes[range]), charset: "utf-8"))
    }

    /// RFC 5173 §5.2: `:content` walks the MIME tree; a matching multipart gives its prologue
    /// and epilogue, a matching message/rfc822 its header, any other matching part its
    /// content, decoded.
    mutating func visit(_ part: MessagePart, types: [String], in bytes: UnsafeRawBufferPointer) {
        guard budget > 0 else { return }
        let matches = types.contains { Self.type($0, matches: part) }
        switch part.kind {
        case .multipart(let children):
            if matches {
                let (prologue, epilogue) = Self.prologueAndEpilogue(of: part, in: bytes)
                add(bytes, prologue)
                add(bytes, epilogue)
            }
            for child in children { visit(child, types: types, in: bytes) }
        case .message(_, let inner):
            if matches { add(bytes, inner.headerRange) }
            visit(inner, types: types, in: bytes)
        case .single:
            guard matches else { return }
            if part.isText {
                add(MessageText.text(of: part, in: bytes))
            } else {
                add(String(decoding: MessageText.transferDecodedBody(of: part, in: bytes), as: UTF8.self))
            }
        }
    }

    /// RFC 5173 §5.2: "" matches every type, "type" any subtype of it, "type/subtype" only
    /// that; a string with a leading or trailing "/" or several slashes matches none.
    static func type(_ text: String, matches part: MessagePart) -> Bool {
        guard !text.isEmpty else { return true }
        let pieces = text.split(separator: "/", omittingEmptySubsequences: false)
        guard pieces.count <= 2, !pieces.contains(where: \.isEmpty) else { return false }
        guard part.mediaType.lowercased() == pieces[0].lowercased() else { return false }
        return pieces.count == 1 || part.mediaSubtype.lowercased() == pieces[1].lowercased()
    }

    /// The text before the first boundary line and after the closing one (RFC 2046 §5.1.1).
    static func prologueAndEpilogue(of part: MessagePart,
                                    in bytes: UnsafeRawBufferPointer) -> (Range<Int>, Range<Int>) {
        let body = part.bodyRange.clamped(to: 0..<bytes.count)
        guard let boundary = part.content.parameter("boundary")?.value, !boundary.isEmpty else {
            return (body, body.upperBound..<body.upperBound)
        }
        let delimiter = Array("--".utf8) + boundary
        var first: Int?
        var closeEnd: Int?
        var lineStart = body.lowerBound
        while lineStart < body.upperBound {
            var lineEnd = lineStart
            while lineEnd < body.upperBound, bytes[lineEnd] != Byte.lf { lineEnd += 1 }
            let next = min(lineEnd + 1, body.upperBound)
            if lineEnd - lineStart >= delimiter.count,
               delimiter.indices.allSatisfy({ bytes[lineStart + $0] == delimiter[$0] }) {
                if first == nil { first = lineStart }
                let after = lineStart + delimiter.count
                if after + 2 <= lineEnd, bytes[after] == UInt8(ascii: "-"), bytes[after + 1] == UInt8(ascii: "-") {
                    closeEnd = next
                }
            }
            lineStart = next
        }
        guard let first else { return (body, body.upperBound..<body.upperBound) }
        var prologueEnd = first
        if prologueEnd > body.lowerBound, bytes[prologueEnd - 1] == Byte.lf { prologueEnd -= 1 }
        if prologueEnd > body.lowerBound, bytes[prologueEnd - 1] == Byte.cr { prologueEnd -= 1 }
        let epilogueStart = closeEnd ?? body.upperBound
        return (body.lowerBound..<prologueEnd, epilogueStart..<body.upperBound)
    }
}
