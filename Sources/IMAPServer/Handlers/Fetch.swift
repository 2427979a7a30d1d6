import IMAPSyntax
import MailStore

extension Session {
    /// FETCH and UID FETCH (RFC 9051 §6.4.5): one untagged FETCH per message, in sequence
    /// order; UID FETCH always reports UID; a non-PEEK body fetch sets `\Seen` and reports
    /// the new FLAGS. Large sections are streamed with back-pressure.
    func fetch(_ command: FetchCommand) async throws -> CommandOutcome {
        guard let selected = state.selected else { return .bad("No mailbox selected") }
        guard command.modifiers.isEmpty else { return .bad("FETCH modifiers need CONDSTORE, which is not supported") }
        var attributes = command.attributes
        for attribute in attributes {
            if let reason = Self.unsupportedReason(attribute) { return .bad(reason) }
        }
        if command.byUID && !attributes.contains(.uid) { attributes.insert(.uid, at: 0) }
        let targets = try resolve(command.sequenceSet, byUID: command.byUID, in: selected)
        var outcome = CommandOutcome.ok(command.byUID ? "UID FETCH completed" : "FETCH completed")
        outcome.includeUIDInUpdates = command.byUID
        guard !targets.isEmpty else { return outcome }

        var seenSet: Set<UID> = []
        if !selected.readOnly && attributes.contains(where: \.setsSeen) {
            let result = try await store.storeFlags(in: selected.id, uids: targets.map(\.1), operation: .add,
                                                    flags: MessageFlags(system: .seen), unchangedSince: nil)
            selected.noteOwnChanges(result.messages, changed: result.changedUIDs)
            seenSet = result.changedUIDs
        }
        let records = try await store.messages(in: selected.id, uids: targets.map(\.1))
        var index = 0
        var missing = false
        for (sequence, uid) in targets {
            while index < records.count && records[index].uid < uid { index += 1 }
            guard index < records.count, records[index].uid == uid else {
                missing = true  // expunged by another session (RFC 2180 §4.1)
                continue
            }
            let record = records[index]
            var writer = FetchResponseWriter(encoder: output.encoder, sequence: sequence, into: &output.buffer)
            for attribute in attributes {
                try await write(attribute, of: record, in: selected, to: &writer)
            }
            if seenSet.contains(uid) && !attributes.contains(.flags) {
                writer.write(.flags(selected.flags(record.flags, uid: uid)), into: &output.buffer)
            }
            writer.finish(into: &output.buffer)
            try await output.flushIfFull()
        }
        if missing {
            return .no("Some messages were expunged by another session", code: .expungeIssued)
        }
        return outcome
    }

    /// Why an attribute cannot be fetched yet, or nil. Message structure (ENVELOPE,
    /// BODYSTRUCTURE, MIME parts) needs MIME parsing, which is not part of this build.
    private static func unsupportedReason(_ attribute: FetchAttribute) -> String? {
        switch attribute {
        case .flags, .uid, .internalDate, .rfc822Size, .rfc822, .rfc822Header, .rfc822Text:
            return nil
        case .bodySection(let section, _, _):
            guard section.part.isEmpty else { return "FETCH of MIME part sections is not supported" }
            switch section.text {
            case nil, .header?, .text?: return nil
            case .headerFields?, .headerFieldsNot?: return "FETCH BODY[HEADER.FIELDS] is not supported"
            case .mime?: return "MIME section needs a part number"
            }
        case .envelope: return "FETCH ENVELOPE is not supported"
        case .bodyStructure, .bodyStructureNonExtensible: return "FETCH BODYSTRUCTURE is not supported"
        case .binary, .binarySize: return "FETCH BINARY is not supported"
        case .modSeq: return "FETCH MODSEQ needs CONDSTORE, which is not supported"
        case .emailID, .threadID: return "FETCH EMAILID/THREADID needs OBJECTID, which is not supported"
        case .saveDate: return "FETCH SAVEDATE is not supported"
        case .preview: return "FETCH PREVIEW is not supported"
        }
    }

    private func write(_ attribute: FetchAttribute, of record: MessageRecord, in selected: SelectedMailbox,
                       to writer: inout FetchResponseWriter) async throws {
        switch attribute {
        case .flags: writer.write(.flags(selected.flags(record.flags, uid: record.uid)), into: &output.buffer)
        case .uid: writer.write(.uid(record.uid), into: &output.buffer)
        case .internalDate: writer.write(.internalDate(record.internalDate), into: &output.buffer)
        case .rfc822Size: writer.write(.rfc822Size(record.size), into: &output.buffer)
        case .rfc822:
            try await writeSection(.rfc822, range: 0..<record.size, partial: nil, of: record, to: &writer)
        case .rfc822Header:
            try await writeSection(.rfc822Header, range: 0..<record.headerSize, partial: nil, of: record, to: &writer)
        case .rfc822Text:
            try await writeSection(.rfc822Text, range: record.headerSize..<record.size, partial: nil, of: record, to: &writer)
        case .bodySection(let section, let partial, _):
            let range: Range<UInt64>
            switch section.text {
            case .header?: range = 0..<record.headerSize
            case .text?: range = record.headerSize..<record.size
            default: range = 0..<record.size
            }
            try await writeSection(.body(section, origin: partial?.offset), range: range, partial: partial,
                                   of: record, to: &writer)
        default:
            break  // refused before any response was written
        }
    }

    /// Sections up to this size are read whole; larger ones are streamed in chunks.
    private static let streamingThreshold: UInt64 = 128 * 1024
    private static let chunkSize = 64 * 1024

    /// Writes the bytes `range` of the message (narrowed by a partial fetch, RFC 9051 §6.4.5
    /// `<origin.octets>`) as one section item.
    private func writeSection(_ name: FetchSectionName, range: Range<UInt64>, partial: Partial?,
                              of record: MessageRecord, to writer: inout FetchResponseWriter) async throws {
        var range = range
        if let partial {
            let start = min(range.lowerBound + partial.offset, range.upperBound)
            let end = min(start + partial.length, range.upperBound)
            range = start..<end
        }
        guard !range.isEmpty else {
            writer.write(.section(name, []), into: &output.buffer)
            return
        }
        let blob = try await store.openBlob(record.blob)
        defer { blob.close() }
        if UInt64(range.count) <= Self.streamingThreshold {
            let bytes = try blob.read(offset: range.lowerBound, count: range.count)
            writer.write(.section(name, bytes), into: &output.buffer)
            return
        }
        writer.beginStreamedSection(name, size: UInt64(range.count), into: &output.buffer)
        var offset = range.lowerBound
        while offset < range.upperBound {
            let count = Int(min(UInt64(Self.chunkSize), range.upperBound - offset))
            let chunk = try blob.read(offset: offset, count: count)
            guard chunk.count == count else { throw MailStoreError.blobMissing(record.blob) }
            output.buffer.writeBytes(chunk)
            offset += UInt64(count)
            try await output.flushIfFull()
        }
    }
}

extension FetchAttribute {
    /// Fetching this sets `\Seen` (RFC 9051 §6.4.5: BODY[...] without .PEEK, RFC822,
    /// RFC822.TEXT, BINARY[...] without .PEEK).
    var setsSeen: Bool {
        switch self {
        case .rfc822, .rfc822Text: return true
        case .bodySection(_, _, let peek), .binary(_, _, let peek): return !peek
        default: return false
        }
    }
}
