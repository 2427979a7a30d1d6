/// What a FETCH BODY[section] refers to within a part (RFC 3501 §6.4.5, RFC 9051 §6.4.5).
public enum SectionText: Hashable, Sendable {
    /// BODY[path]: the part's body; BODY[] for the whole message.
    case full
    /// BODY[path.HEADER] / BODY[HEADER]: the header of the message, or of the message embedded
    /// in a message/rfc822 part. Also the bytes HEADER.FIELDS selects from.
    case header
    /// BODY[path.TEXT] / BODY[TEXT]: the body of that message.
    case text
    /// BODY[path.MIME]: the part's MIME header (not valid without a path).
    case mime
}

extension MessageStructure {
    /// The part a section path names (RFC 3501 §6.4.5): numbers select body parts of a
    /// multipart; inside a message/rfc822 part they count within the embedded message's body;
    /// part 1 of a non-multipart entity is the entity itself, and nothing lies below it unless
    /// it is a message/rfc822 part. Nil when the part does not exist (IMAP answers such a
    /// FETCH with an empty string, as Dovecot does).
    public func part(at path: [Int]) -> MessagePart? {
        guard !path.isEmpty else { return root }
        var part = root
        for (index, number) in path.enumerated() {
            guard number >= 1 else { return nil }
            let isLast = index == path.count - 1
            if case let .multipart(children) = part.kind {
                guard number <= children.count else { return nil }
                part = children[number - 1]
            } else {
                guard number == 1 else { return nil }
                if !isLast, case .single = part.kind { return nil }
            }
            if !isLast, case let .message(_, inner) = part.kind {
                part = inner
            }
        }
        return part
    }

    /// The byte range of a section, nil when it does not exist.
    public func range(of path: [Int], _ text: SectionText) -> Range<Int>? {
        if path.isEmpty {
            switch text {
            case .full: return 0..<size
            case .header: return root.headerRange
            case .text: return root.bodyRange
            case .mime: return nil
            }
        }
        guard let part = part(at: path) else { return nil }
        switch text {
        case .full:
            return part.bodyRange
        case .mime:
            return part.headerRange
        case .header, .text:
            guard case let .message(_, inner) = part.kind else { return nil }
            return text == .header ? inner.headerRange : inner.bodyRange
        }
    }

    /// Every part in depth-first order with its section path (parts of embedded messages
    /// included, numbered as FETCH numbers them). The top level of a non-multipart message is
    /// reported as part [1], a multipart top level is not reported itself.
    public func allParts() -> [(path: [Int], part: MessagePart)] {
        var result: [(path: [Int], part: MessagePart)] = []
        func visit(_ part: MessagePart, _ path: [Int], reportSelf: Bool) {
            if reportSelf { result.append((path, part)) }
            switch part.kind {
            case let .multipart(children):
                for (index, child) in children.enumerated() {
                    visit(child, path + [index + 1], reportSelf: true)
                }
            case let .message(_, inner):
                if case .multipart = inner.kind {
                    visit(inner, path, reportSelf: false)
                } else {
                    visit(inner, path + [1], reportSelf: true)
                }
            case .single:
                break
            }
        }
        if case .multipart = root.kind {
            visit(root, [], reportSelf: false)
        } else {
            visit(root, [1], reportSelf: true)
        }
        return result
    }
}
