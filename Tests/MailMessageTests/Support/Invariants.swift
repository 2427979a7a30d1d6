import MailMessage

/// Structural invariants every `MessageStructure` must satisfy; returns the violations.
enum Invariants {
    /// Checks that ranges nest: the root spans the message, each part lies within its
    /// parent's body, header directly before body, siblings in order without overlap, an
    /// embedded message at the start of its part's body, line counts no larger than the body.
    static func check(_ structure: MessageStructure) -> [String] {
        var problems: [String] = []
        if structure.root.headerRange.lowerBound != 0 { problems.append("root header start") }
        if structure.root.bodyRange.upperBound != structure.size { problems.append("root body end") }
        check(structure.root, within: 0..<structure.size, path: [], &problems)
        return problems
    }

    /// Also checks what holds for a structure parsed from `message`: its size is the
    /// message's and every line count is the number of LFs in the body.
    static func check(_ structure: MessageStructure, message: [UInt8]) -> [String] {
        var problems = check(structure)
        if structure.size != message.count { problems.append("size \(structure.size)") }
        visit(structure.root) { part in
            let lines = message[part.bodyRange].reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
            if lines != part.bodyLines {
                problems.append("lines \(part.bodyLines) != \(lines) at \(part.bodyRange)")
            }
        }
        return problems
    }

    static func visit(_ part: MessagePart, _ body: (MessagePart) -> Void) {
        body(part)
        switch part.kind {
        case .single: break
        case let .multipart(children): children.forEach { visit($0, body) }
        case let .message(_, inner): visit(inner, body)
        }
    }

    private static func check(_ part: MessagePart, within bounds: Range<Int>, path: [Int],
                              _ problems: inout [String]) {
        if part.headerRange.upperBound != part.bodyRange.lowerBound {
            problems.append("\(path): header does not end where the body starts")
        }
        if part.headerRange.lowerBound < bounds.lowerBound || part.bodyRange.upperBound > bounds.upperBound {
            problems.append("\(path): \(part.range) outside \(bounds)")
        }
        if part.bodyLines > part.bodyRange.count {
            problems.append("\(path): more lines than bytes")
        }
        switch part.kind {
        case .single:
            break
        case let .multipart(children):
            var cursor = part.bodyRange.lowerBound
            for (index, child) in children.enumerated() {
                if child.headerRange.lowerBound < cursor {
                    problems.append("\(path + [index + 1]): overlaps its predecessor")
                }
                check(child, within: part.bodyRange, path: path + [index + 1], &problems)
                cursor = child.bodyRange.upperBound
            }
        case let .message(_, inner):
            if inner.headerRange.lowerBound != part.bodyRange.lowerBound {
                problems.append("\(path): embedded message does not start the body")
            }
            check(inner, within: part.bodyRange, path: path + [0], &problems)
        }
    }
}
