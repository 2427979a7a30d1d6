/// THREAD=REFERENCES (RFC 5256 §3), its six steps in order. Nodes live in one array and refer
/// to each other by index; a node is a message or a dummy, and parent and child links are
/// changed only together (the note of step 1.B: they "MUST be kept consistent with one
/// another at ALL times").
struct ReferencesThreading {
    private struct Node {
        /// The position of the message in the input, nil for a dummy.
        var message: Int?
        var parent: Int?
        var children: [Int] = []
    }

    private let messages: [SortableMessage]
    private var nodes: [Node] = []
    /// Message ID → node: the first message with that ID, or the dummy standing for it.
    private var byID: [String: Int] = [:]

    init(_ messages: [SortableMessage]) {
        self.messages = messages
    }

    mutating func run() -> [MessageThread] {
        // Step 1, in mailbox order (the first message with a duplicate ID keeps it).
        for position in messages.indices.sorted(by: { messages[$0].sequence < messages[$1].sequence }) {
            link(position)
        }
        // Step 2: the messages without parents are the root's children.
        let roots = nodes.indices.filter { nodes[$0].parent == nil }
        // Step 3: prune dummies.
        var top = prune(roots, atRoot: true)
        // Step 4: sort the root's children by sent date (a dummy by its earliest child).
        for index in top where nodes[index].message == nil { sortChildren(of: index) }
        top.sort(by: isEarlier)
        // Step 5: gather threads with the same base subject.
        top = groupBySubject(top)
        // Step 6: sort every set of siblings, the deepest first.
        for index in top { sortTree(index) }
        top.sort(by: isEarlier)
        return top.map(tree)
    }

    /// REFS as Dovecot answers it: steps 1 to 3 of REFERENCES, no step 5 (messages are not
    /// gathered by subject), every set of siblings sorted as in step 6, and the threads
    /// ordered by the sent date of their newest message (the most recently active thread
    /// last), ties by the root's mailbox order (a dummy root first).
    mutating func runRefs() -> [MessageThread] {
        for position in messages.indices.sorted(by: { messages[$0].sequence < messages[$1].sequence }) {
            link(position)
        }
        let top = prune(nodes.indices.filter { nodes[$0].parent == nil }, atRoot: true)
        for index in top { sortTree(index) }
        let newest = top.map(newestDate)
        let order = top.indices.sorted { a, b in
            if newest[a] != newest[b] { return newest[a] < newest[b] }
            return rootSequence(top[a]) < rootSequence(top[b])
        }
        return order.map { tree(top[$0]) }
    }

    /// The latest sent date in a thread (§2.2 dates: the internal date where none is sent).
    private func newestDate(_ index: Int) -> Int64 {
        var latest = nodes[index].message.map { messages[$0].sentDate } ?? Int64.min
        for child in nodes[index].children { latest = max(latest, newestDate(child)) }
        return latest
    }

    private func rootSequence(_ index: Int) -> UInt32 {
        nodes[index].message.map { messages[$0].sequence } ?? 0
    }

    // MARK: Step 1

    /// Step 1 for one message: (A) links its references to one another, (B) links it to its
    /// last reference.
    private mutating func link(_ position: Int) {
        let keys = messages[position].keys
        // "If two or more messages have the same Message ID, then only use that Message ID in
        // the first (lowest sequence number) message, and assign a unique Message ID to each
        // of the subsequent messages"; a message without a valid one gets a unique one too.
        let current: Int
        if let id = keys.messageID, let existing = byID[id] {
            if nodes[existing].message == nil {
                nodes[existing].message = position
                current = existing
            } else {
                current = newNode(message: position)
            }
        } else {
            current = newNode(message: position)
            if let id = keys.messageID { byID[id] = current }
        }
        // (A) "Make the first reference the parent of the second ...": but never change a
        // parent already set, and never make a loop.
        var previous: Int?
        for reference in keys.references {
            let node = node(for: reference)
            if let parent = previous, parent != node, nodes[node].parent == nil,
               !isDescendant(parent, of: node) {
                setParent(of: node, to: parent)
            }
            previous = node
        }
        // (B) The last reference becomes the message's parent, replacing any parent set by
        // another message's references; none if it has no references.
        if let parent = nodes[current].parent { detach(current, from: parent) }
        if let parent = previous, parent != current, !isDescendant(parent, of: current) {
            setParent(of: current, to: parent)
        }
    }

    private mutating func newNode(message: Int?) -> Int {
        nodes.append(Node(message: message))
        return nodes.count - 1
    }

    /// The node of a referenced ID: the message that has it, else a dummy made once for it.
    private mutating func node(for id: String) -> Int {
        if let existing = byID[id] { return existing }
        let dummy = newNode(message: nil)
        byID[id] = dummy
        return dummy
    }

    /// Whether `node` lies below `ancestor` (or is it).
    private func isDescendant(_ node: Int, of ancestor: Int) -> Bool {
        var current: Int? = node
        while let index = current {
            if index == ancestor { return true }
            current = nodes[index].parent
        }
        return false
    }

    private mutating func setParent(of child: Int, to parent: Int) {
        nodes[child].parent = parent
        nodes[parent].children.append(child)
    }

    private mutating func detach(_ child: Int, from parent: Int) {
        nodes[child].parent = nil
        nodes[parent].children.removeAll { $0 == child }
    }

    // MARK: Step 3

    /// Step 3 over one set of siblings: a dummy without children goes; a dummy with children
    /// is replaced by them, except among the root's children, where that happens only if it
    /// has one ("Do not promote the children if doing so would make them children of the
    /// root, unless there is only one child").
    private mutating func prune(_ siblings: [Int], atRoot: Bool) -> [Int] {
        var kept: [Int] = []
        for index in siblings {
            let children = prune(nodes[index].children, atRoot: false)
            nodes[index].children = children
            for child in children { nodes[child].parent = index }
            guard nodes[index].message == nil else {
                kept.append(index)
                continue
            }
            if children.isEmpty { continue }
            if atRoot && children.count > 1 {
                kept.append(index)
            } else {
                kept += children
            }
        }
        return kept
    }

    // MARK: Step 5

    /// The thread subject (step 5.B.i): the base subject of the message, or of a dummy's
    /// first child.
    private func threadSubject(_ index: Int) -> [UInt8] {
        if let message = nodes[index].message { return messages[message].keys.subject }
        guard let first = nodes[index].children.first, let message = nodes[first].message else { return [] }
        return messages[message].keys.subject
    }

    private func isDummy(_ index: Int) -> Bool { nodes[index].message == nil }

    private func isReplyOrForward(_ index: Int) -> Bool {
        nodes[index].message.map { messages[$0].keys.isReplyOrForward } ?? false
    }

    /// Step 5: builds the subject table (B), then merges the threads sharing a subject (C).
    /// Subjects are compared as collation keys, so case-insensitively (the note of 5.C).
    private mutating func groupBySubject(_ top: [Int]) -> [Int] {
        var table: [[UInt8]: Int] = [:]
        for index in top {
            let subject = threadSubject(index)
            guard !subject.isEmpty else { continue }
            guard let existing = table[subject] else {
                table[subject] = index
                continue
            }
            if !isDummy(existing) && (isDummy(index) || (isReplyOrForward(existing) && !isReplyOrForward(index))) {
                table[subject] = index
            }
        }
        var result = top
        var removed: Set<Int> = []
        for index in top {
            let subject = threadSubject(index)
            guard !subject.isEmpty, let existing = table[subject], existing != index else { continue }
            if isDummy(existing) && isDummy(index) {
                // Both dummies: the current one's children join the table's.
                for child in nodes[index].children { setParent(of: child, to: existing) }
                nodes[index].children = []
                removed.insert(index)
            } else if isDummy(existing) || (isReplyOrForward(index) && !isReplyOrForward(existing)) {
                setParent(of: index, to: existing)
                removed.insert(index)
            } else {
                // A new dummy holds both; it takes the table message's place.
                let dummy = newNode(message: nil)
                setParent(of: existing, to: dummy)
                setParent(of: index, to: dummy)
                removed.insert(index)
                if let place = result.firstIndex(of: existing) { result[place] = dummy }
                table[subject] = dummy
            }
        }
        return result.filter { !removed.contains($0) }
    }

    // MARK: Steps 4 and 6

    /// Sorts the children of `index` by sent date, and theirs first.
    private mutating func sortTree(_ index: Int) {
        for child in nodes[index].children { sortTree(child) }
        sortChildren(of: index)
    }

    private mutating func sortChildren(of index: Int) {
        let sorted = nodes[index].children.sorted(by: isEarlier)
        nodes[index].children = sorted
    }

    /// Sent-date order (§2.2, ties by mailbox order); a dummy counts as its first child.
    private func isEarlier(_ left: Int, _ right: Int) -> Bool {
        guard let a = representative(left), let b = representative(right) else {
            return representative(left) != nil
        }
        return MessageThreader.isEarlier(messages[a], messages[b])
    }

    private func representative(_ index: Int) -> Int? {
        var current = index
        while nodes[current].message == nil {
            guard let first = nodes[current].children.first else { return nil }
            current = first
        }
        return nodes[current].message
    }

    private func tree(_ index: Int) -> MessageThread {
        MessageThread(message: nodes[index].message, children: nodes[index].children.map(tree))
    }
}
