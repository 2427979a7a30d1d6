import IMAPSyntax
import MailCore
import MailMessage
import MailStore
import NIOCore

extension Session {
    /// FETCH and UID FETCH (RFC 9051 §6.4.5): one untagged FETCH per message, in sequence
    /// order; UID FETCH always reports UID; a non-PEEK body fetch sets `\Seen` and reports
    /// the new FLAGS. Message structure comes from what was parsed at APPEND (never re-parsed);
    /// large sections are streamed with back-pressure.
    ///
    /// A message another session expunged, which this session has not been told of yet, is
    /// answered from its ghost like any other, with its flags as they were at the expunge,
    /// and the command ends OK (RFC 2180 §4.1.1). Only a message whose ghost is purged
    /// already (a session that sent nothing but FETCH, STORE and SEARCH for longer than the
    /// retention) is left out, with `NO [EXPUNGEISSUED]` (§4.1.2, RFC 5530).
    func fetch(_ command: FetchCommand) async throws -> CommandOutcome {
        guard let selected = state.selected else { return .bad("No mailbox selected") }
        var attributes = command.attributes
        var changedSince: ModSeq?
        var reportVanished = false
        var partial: PartialRange?
        for modifier in command.modifiers {
            switch modifier {
            case .changedSince(let modSeq): changedSince = modSeq
            case .vanished: reportVanished = true
            case .partial(let range): partial = range
            }
        }
        if reportVanished {
            // RFC 7162 §3.2.6: only UID FETCH, only with CHANGEDSINCE, only after ENABLE QRESYNC.
            guard command.byUID, changedSince != nil else { return .bad("VANISHED needs UID FETCH with CHANGEDSINCE") }
            guard qresyncEnabled else { return .bad("VANISHED needs ENABLE QRESYNC first") }
        }
        if changedSince != nil || attributes.contains(.modSeq) {
            noteCondstoreUse()
            // CHANGEDSINCE implies the MODSEQ item (RFC 7162 §3.1.4.1).
            if !attributes.contains(.modSeq) { attributes.append(.modSeq) }
        }
        if command.byUID && !attributes.contains(.uid) { attributes.insert(.uid, at: 0) }
        var targets = try resolve(command.sequenceSet, byUID: command.byUID, in: selected)
        // RFC 9394 §3.3: only the messages of the range, counted among those the set names
        // (before CHANGEDSINCE filters them, §3.4).
        if let partial { targets = Array(targets[partial.indices(in: targets.count)]) }
        if attributes.contains(.threadID) { try await threadNumbers(of: targets.map(\.1), in: selected) }
        if let changedSince, reportVanished {
            try await reportVanishedEarlier(since: changedSince, within: command.sequenceSet, in: selected)
        }
        var outcome = CommandOutcome.ok(command.byUID ? "UID FETCH completed" : "FETCH completed")
        outcome.includeUIDInUpdates = command.byUID
        guard !targets.isEmpty else { return outcome }

        var seenSet: Set<UID> = []
        if !selected.readOnly && attributes.contains(where: \.setsSeen) {
            do {
                let result = try await store.messages.storeFlags(in: selected.id, uids: targets.map(\.1), operation: .add,
                                                                 flags: MessageFlags(system: .seen), unchangedSince: nil,
                                                                 as: principal)
                selected.noteOwnChanges(result.messages, changed: result.changedUIDs)
                seenSet = result.changedUIDs
            } catch MailStoreError.permissionDenied {
                // RFC 4314 §4: without `s`, a FETCH "MUST NOT set" \Seen; it still fetches.
            }
        }
        var buffer = ByteBuffer()
        buffer.reserveCapacity(64 * 1024)
        var missing = false
        var failure: CommandOutcome?
        do {
            if seenSet.isEmpty && attributes.allSatisfy(\.isMessageState) {
                missing = try await writeStates(attributes, of: targets, changedSince: changedSince,
                                                in: selected, into: &buffer)
            } else {
                (missing, failure) = try await writeMessages(attributes, of: targets, changedSince: changedSince,
                                                             seenSet: seenSet, in: selected, into: &buffer)
            }
        } catch {
            output.append(&buffer)  // the complete answers written before the failure
            throw error
        }
        output.append(&buffer)
        if let failure { return failure }
        if missing {
            return .no("Some messages were expunged by another session and are gone", code: .expungeIssued)
        }
        return outcome
    }

    /// The fast path for FETCH of UID, FLAGS and MODSEQ only (what clients send to resync):
    /// narrow store reads, a page of messages at a time, no suspension per message. Returns
    /// whether any message is gone for good (expunged and its ghost purged).
    private func writeStates(_ attributes: [FetchAttribute], of targets: [(SequenceNumber, UID)],
                             changedSince: ModSeq?, in selected: SelectedMailbox,
                             into buffer: inout ByteBuffer) async throws -> Bool {
        var missing = false
        for page in targets.pages(of: configuration.reading.pageSize) {
            let states = try await store.messages.statesOrGhosts(in: selected.id, uids: page.map(\.1),
                                                                 as: principal)
            missing = try await writeStates(attributes, of: page, states: states, changedSince: changedSince,
                                            in: selected, into: &buffer) || missing
        }
        return missing
    }

    private func writeStates(_ attributes: [FetchAttribute], of targets: ArraySlice<(SequenceNumber, UID)>,
                             states: [MessageState], changedSince: ModSeq?, in selected: SelectedMailbox,
                             into buffer: inout ByteBuffer) async throws -> Bool {
        var index = 0
        var missing = false
        for (sequence, uid) in targets {
            while index < states.count && states[index].uid < uid { index += 1 }
            guard index < states.count, states[index].uid == uid else {
                missing = true
                continue
            }
            let state = states[index]
            if let changedSince, state.modSeq <= changedSince { continue }
            var writer = FetchResponseWriter(encoder: output.encoder, sequence: sequence, uid: uid, into: &buffer)
            for attribute in attributes {
                switch attribute {
                case .uid: writer.write(.uid(uid), into: &buffer)
                case .flags: writer.write(.flags(selected.flags(of: state)), into: &buffer)
                default: writer.write(.modSeq(state.modSeq), into: &buffer)
                }
            }
            writer.finish(into: &buffer)
            if buffer.readableBytes >= ResponseOutput.flushThreshold { try await output.flushIfFull(&buffer) }
        }
        return missing
    }

    /// FETCH of anything: records (and structures when needed) from the store a page at a
    /// time, of live messages or ghosts, message bytes from the blob. Returns whether any
    /// message is gone for good, and the answer to give if an item could not be written as
    /// asked.
    private func writeMessages(_ attributes: [FetchAttribute], of targets: [(SequenceNumber, UID)],
                               changedSince: ModSeq?, seenSet: Set<UID>, in selected: SelectedMailbox,
                               into buffer: inout ByteBuffer) async throws -> (Bool, CommandOutcome?) {
        let withStructure = attributes.contains(where: \.needsStructure)
        let previews = PreviewRequest(attributes)
        var missing = false
        var failure: CommandOutcome?
        var done = 0
        for page in targets.pages(of: configuration.reading.pageSize) {
            let records = try await store.messages.recordsOrGhosts(in: selected.id, uids: page.map(\.1),
                                                                   withStructure: withStructure, as: principal)
            let texts = previews == .none ? [:]
                : try await previewTexts(of: records, complete: previews == .complete, withStructure: withStructure,
                                         in: selected)
            let (pageMissing, pageFailure) = try await writeMessages(
                attributes, of: page, records: records, previews: texts, changedSince: changedSince,
                seenSet: seenSet, in: selected, into: &buffer)
            missing = missing || pageMissing
            failure = failure ?? pageFailure
            done += page.count
            if done < targets.count {
                output.append(&buffer)  // the FETCH responses so far go before the report
                try await reportProgress(done: done, total: targets.count)  // RFC 9585
            }
        }
        return (missing, failure)
    }

    private func writeMessages(_ attributes: [FetchAttribute], of targets: ArraySlice<(SequenceNumber, UID)>,
                               records: [MessageRecord], previews: [BlobID: String], changedSince: ModSeq?,
                               seenSet: Set<UID>, in selected: SelectedMailbox,
                               into buffer: inout ByteBuffer) async throws -> (Bool, CommandOutcome?) {
        var index = 0
        var missing = false
        var failure: CommandOutcome?
        for (sequence, uid) in targets {
            while index < records.count && records[index].uid < uid { index += 1 }
            guard index < records.count, records[index].uid == uid else {
                missing = true  // expunged by another session, its ghost purged (RFC 2180 §4.1.2)
                continue
            }
            if let changedSince, records[index].modSeq <= changedSince { continue }
            let mark = buffer.writerIndex
            let writes = output.writes
            do {
                if let problem = try await writeMessage(attributes, of: records[index], sequence: sequence,
                                                        preview: previews[records[index].blob],
                                                        seen: seenSet.contains(uid), in: selected, into: &buffer) {
                    failure = failure ?? problem
                }
            } catch {
                // Part of this message's answer is on the wire already: the stream cannot be
                // repaired, so the connection ends.
                guard output.writes == writes else { throw ConnectionClosed(underlying: error) }
                // Otherwise its partial answer is dropped; the answers before it stand. Bytes
                // missing while a message or ghost references them are damage (RFC 5530
                // CORRUPTION): the other messages are still answered.
                buffer.moveWriterIndex(to: mark)
                guard let damage = error as? MailStoreError, case .blobMissing = damage else { throw error }
                failure = failure ?? CommandOutcome(damage)
                continue
            }
            if buffer.readableBytes >= ResponseOutput.flushThreshold { try await output.flushIfFull(&buffer) }
        }
        return (missing, failure)
    }

    /// The previews of a page of records (RFC 8970): those kept, and with `complete` the
    /// missing ones made now, for which the stored structures are read (only theirs: most
    /// messages have their preview kept since they were stored).
    private func previewTexts(of records: [MessageRecord], complete: Bool, withStructure: Bool,
                              in selected: SelectedMailbox) async throws -> [BlobID: String] {
        var texts = try await store.previewTexts(of: records, makingMissing: false)
        guard complete else { return texts }
        var missing = records.filter { texts[$0.blob] == nil }
        guard !missing.isEmpty else { return texts }
        if !withStructure {
            missing = try await store.messages.recordsOrGhosts(in: selected.id, uids: missing.map(\.uid),
                                                               withStructure: true, as: principal)
        }
        texts.merge(try await store.previewTexts(of: missing, makingMissing: true)) { kept, _ in kept }
        return texts
    }

    /// Writes one message's FETCH response; returns the tagged answer to give if an item could
    /// not be written as asked.
    private func writeMessage(_ attributes: [FetchAttribute], of record: MessageRecord, sequence: SequenceNumber,
                              preview: String?, seen: Bool, in selected: SelectedMailbox,
                              into buffer: inout ByteBuffer) async throws -> CommandOutcome? {
        var message = FetchedMessage(record: record)
        message.preview = preview
        defer { message.close() }
        var failure: CommandOutcome?
        var writer = FetchResponseWriter(encoder: output.encoder, sequence: sequence, uid: record.uid, into: &buffer)
        for attribute in attributes {
            if let problem = try await write(attribute, of: &message, in: selected, to: &writer, in: &buffer) {
                failure = failure ?? problem
            }
        }
        if seen {
            // \Seen was set by this FETCH: report the new flags, and with CONDSTORE the UID and
            // MODSEQ too (RFC 7162 §3.2.4).
            if !attributes.contains(.flags) {
                writer.write(.flags(selected.flags(record.flags, uid: record.uid)), into: &buffer)
            }
            if condstoreEnabled && !attributes.contains(.uid) { writer.write(.uid(record.uid), into: &buffer) }
            if condstoreEnabled && !attributes.contains(.modSeq) { writer.write(.modSeq(record.modSeq), into: &buffer) }
        }
        writer.finish(into: &buffer)
        return failure
    }

    /// Writes one attribute of one message; returns the tagged answer to give if it could not
    /// be written as asked (e.g. BINARY of an unknown transfer encoding).
    private func write(_ attribute: FetchAttribute, of message: inout FetchedMessage, in selected: SelectedMailbox,
                       to writer: inout FetchResponseWriter, in buffer: inout ByteBuffer) async throws -> CommandOutcome? {
        let record = message.record
        switch attribute {
        case .flags: writer.write(.flags(selected.flags(record.flags, uid: record.uid)), into: &buffer)
        case .uid: writer.write(.uid(record.uid), into: &buffer)
        case .modSeq: writer.write(.modSeq(record.modSeq), into: &buffer)
        case .emailID: writer.write(.emailID(emailIDs.id(of: record.blob)), into: &buffer)
        case .threadID: writer.write(.threadID(selected.threadNumbers[record.uid].map(Self.threadObjectID)), into: &buffer)
        case .saveDate: writer.write(.saveDate(ZonedDateTime(secondsSince1970: record.saveDate)), into: &buffer)
        case .internalDate: writer.write(.internalDate(record.internalDate), into: &buffer)
        case .rfc822Size: writer.write(.rfc822Size(record.size), into: &buffer)
        case .envelope:
            writer.write(.envelope(StructureConversion.envelope(try await message.structure(store).envelope)),
                         into: &buffer)
        case .bodyStructure, .bodyStructureNonExtensible:
            let body = StructureConversion.bodyStructure(try await message.structure(store).root)
            writer.write(.bodyStructure(body, extensible: attribute == .bodyStructure), into: &buffer)
        case .rfc822:
            try await writeSection(.rfc822, .range(0..<record.size), partial: nil, of: &message, to: &writer, in: &buffer)
        case .rfc822Header:
            try await writeSection(.rfc822Header, .range(0..<record.headerSize), partial: nil, of: &message, to: &writer, in: &buffer)
        case .rfc822Text:
            try await writeSection(.rfc822Text, .range(record.headerSize..<record.size), partial: nil,
                                   of: &message, to: &writer, in: &buffer)
        case .bodySection(let section, let partial, _):
            let source = try await message.source(of: section, store: store)
            try await writeSection(.body(section, origin: partial?.offset), source, partial: partial,
                                   of: &message, to: &writer, in: &buffer)
        case .binary(let part, let partial, _):
            guard let decoded = try await message.decodedPart(part, store: store) else {
                return .no("Unknown Content-Transfer-Encoding", code: .unknownCTE)
            }
            try await writeSection(.binary(part, origin: partial?.offset), decoded, partial: partial,
                                   of: &message, to: &writer, in: &buffer)
        case .binarySize(let part):
            guard let decoded = try await message.decodedPart(part, store: store) else {
                return .no("Unknown Content-Transfer-Encoding", code: .unknownCTE)
            }
            writer.write(.binarySize(part, decoded.count), into: &buffer)
        case .preview(let lazy):
            // RFC 8970 §3.2: NIL only for LAZY; without it a preview was made for every
            // readable message (one whose bytes are gone has nothing to preview).
            writer.write(.preview(message.preview ?? (lazy ? nil : "")), into: &buffer)
        }
        return nil
    }

    /// `VANISHED (EARLIER)` for the UIDs of a UID FETCH set that were expunged after `modSeq`
    /// (RFC 7162 §3.2.6). Tombstones are kept, so the answer is exact.
    func reportVanishedEarlier(since modSeq: ModSeq, within set: SequenceSet, in selected: SelectedMailbox) async throws {
        guard case .ranges(let ranges) = set else { return }
        let last = selected.uids.last?.rawValue ?? (selected.uidNext.rawValue &- 1)
        let bounds = ranges.map { $0.resolved(last: last) }
        try await reportVanishedEarlier(since: modSeq, in: selected) { uid in
            bounds.contains { $0.contains(uid.rawValue) }
        }
    }

    func reportVanishedEarlier(since modSeq: ModSeq, in selected: SelectedMailbox,
                               where include: (UID) -> Bool) async throws {
        let vanished = try await store.messages.changes(in: selected.id, since: modSeq, as: principal).vanished.filter(include)
        if !vanished.isEmpty { send(.vanished(earlier: true, UIDSet(vanished))) }
    }

    /// Sections up to this size are read whole; larger ones are streamed in chunks.

    /// Writes a section's bytes, narrowed by a partial fetch (RFC 9051 §6.4.5
    /// `<origin.octets>`). Body sections never carry NUL, which a literal may not hold
    /// (RFC 9051 §4.3): like Dovecot, 0x80 stands in for it. BINARY sections keep their bytes
    /// and go as literal8 when they hold NUL (RFC 3516 §4.2).
    private func writeSection(_ name: FetchSectionName, _ source: SectionSource, partial: Partial?,
                              of message: inout FetchedMessage, to writer: inout FetchResponseWriter,
                              in buffer: inout ByteBuffer) async throws {
        let binary: Bool
        if case .binary = name { binary = true } else { binary = false }
        switch source {
        case .bytes(var bytes):
            if let partial { bytes = Array(bytes[Self.narrow(0..<bytes.count, by: partial)]) }
            if !binary { Self.replaceNUL(&bytes) }
            writer.write(.section(name, bytes), into: &buffer)
        case .range(let whole):
            let range = partial.map { Self.narrow(whole, by: $0) } ?? whole
            guard !range.isEmpty else {
                writer.write(.section(name, []), into: &buffer)
                return
            }
            let blob = try await message.blob(store)
            if range.count <= configuration.reading.streamingThreshold {
                var bytes = try await blob.read(offset: range.lowerBound, count: range.count)
                guard bytes.count == range.count else { throw MailStoreError.blobMissing(message.record.blob) }
                if !binary { Self.replaceNUL(&bytes) }
                writer.write(.section(name, bytes), into: &buffer)
                return
            }
            writer.beginStreamedSection(name, size: UInt64(range.count), into: &buffer)
            var offset = range.lowerBound
            while offset < range.upperBound {
                let count = Int(min(UInt64(configuration.reading.chunkSize), range.upperBound - offset))
                var chunk = try await blob.read(offset: offset, count: count)
                guard chunk.count == count else { throw MailStoreError.blobMissing(message.record.blob) }
                Self.replaceNUL(&chunk)
                buffer.writeBytes(chunk)
                offset += UInt64(count)
                try await output.flushIfFull(&buffer)
            }
        }
    }

    private static func narrow<T: BinaryInteger>(_ range: Range<T>, by partial: Partial) -> Range<T> {
        let start = min(range.lowerBound + T(clamping: partial.offset), range.upperBound)
        let end = min(start + T(clamping: partial.length), range.upperBound)
        return start..<end
    }

    private static func replaceNUL(_ bytes: inout [UInt8]) {
        guard bytes.contains(0) else { return }
        for index in bytes.indices where bytes[index] == 0 { bytes[index] = 0x80 }
    }
}

extension FetchAttribute {
    /// Whether the item is answered from flags and MODSEQ alone.
    var isMessageState: Bool {
        switch self {
        case .uid, .flags, .modSeq: return true
        default: return false
        }
    }

    /// Fetching this sets `\Seen` (RFC 9051 §6.4.5: BODY[...] without .PEEK, RFC822,
    /// RFC822.TEXT, BINARY[...] without .PEEK).
    var setsSeen: Bool {
        switch self {
        case .rfc822, .rfc822Text: return true
        case .bodySection(_, _, let peek), .binary(_, _, let peek): return !peek
        default: return false
        }
    }

    /// Whether answering needs the message's parsed MIME structure.
    var needsStructure: Bool {
        switch self {
        case .envelope, .bodyStructure, .bodyStructureNonExtensible, .binary, .binarySize: return true
        case .bodySection(let section, _, _): return !section.part.isEmpty
        default: return false
        }
    }
}

/// Which previews a FETCH asks for (RFC 8970): none, those kept already (`PREVIEW (LAZY)`,
/// §4.1), or every one, made now where missing (`PREVIEW`).
enum PreviewRequest: Equatable {
    case none, lazy, complete

    init(_ attributes: [FetchAttribute]) {
        self = .none
        for case .preview(let lazy) in attributes {
            if !lazy { self = .complete } else if self == .none { self = .lazy }
        }
    }
}
