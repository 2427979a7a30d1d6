/// A threading algorithm of THREAD (RFC 5256 §3).
public enum ThreadAlgorithm: String, Hashable, Sendable, CaseIterable {
    /// "poor man's threading": by base subject, then sent date.
    case orderedSubject = "ORDEREDSUBJECT"
    /// Parent/child links from References and In-Reply-To, then grouping by base subject.
    case references = "REFERENCES"
    /// Dovecot's REFS (after draft-ietf-morg-inthread §4): REFERENCES' parent/child links
    /// without the grouping by subject, threads ordered by their newest message.
    case refs = "REFS"
}

/// One node of a thread tree: a message (its position in the threaded list) or, for a dummy
/// (a parent that is not among the messages, RFC 5256 §3 REFERENCES step 1.A), nil; and its
/// children in order.
public struct MessageThread: Hashable, Sendable {
    public var message: Int?
    public var children: [MessageThread]

    public init(message: Int?, children: [MessageThread] = []) {
        self.message = message
        self.children = children
    }
}

/// THREAD (RFC 5256 §3): the messages as a list of thread trees.
public enum MessageThreader {
    public static func threads(_ messages: [SortableMessage], by algorithm: ThreadAlgorithm) -> [MessageThread] {
        switch algorithm {
        case .orderedSubject: return orderedSubject(messages)
        case .references:
            var threading = ReferencesThreading(messages)
            return threading.run()
        case .refs:
            var threading = ReferencesThreading(messages)
            return threading.runRefs()
        }
    }

    /// ORDEREDSUBJECT (§3): "The searched messages are sorted by base subject and then by the
    /// sent date. The messages are then split into separate threads, with each thread
    /// containing messages with the same base subject text. Finally, the threads are sorted by
    /// the sent date of the first message in the thread." The first message is the thread's
    /// root, the others its children ("there are no grandchildren").
    static func orderedSubject(_ messages: [SortableMessage]) -> [MessageThread] {
        let sorted = MessageSorter.order(messages, by: [SortCriterion(.subject), SortCriterion(.date)])
        var groups: [[Int]] = []
        for position in sorted {
            if let first = groups.last?.first, messages[first].keys.subject == messages[position].keys.subject {
                groups[groups.count - 1].append(position)
            } else {
                groups.append([position])
            }
        }
        groups.sort { isEarlier(messages[$0[0]], messages[$1[0]]) }
        return groups.map { group in
            MessageThread(message: group[0], children: group.dropFirst().map { MessageThread(message: $0) })
        }
    }

    /// The sent-date order of §2.2, ties broken by mailbox order.
    static func isEarlier(_ left: SortableMessage, _ right: SortableMessage) -> Bool {
        left.sentDate != right.sentDate ? left.sentDate < right.sentDate : left.sequence < right.sequence
    }
}
