// libFuzzer target: the readers of other servers' mail stores (MailImport) on one input.
//
// The first byte chooses the chunk size; the rest is read as:
// - an mbox file through `MboxSplitter` in all three formats, fed whole and in chunks: the
//   events must be the same either way; they must come as start, content..., end per message,
//   with nothing but garbage outside; no message may hold more bytes than the input;
// - a `dovecot-uidlist`: entries ascend strictly and name distinct files, no UID is 0,
//   `effectiveNextUID` lies past the last entry (or is UInt32.max), every problem names a
//   line of the file;
// - a `dovecot-keywords` and a `subscriptions` file and every line as a Maildir file name and
//   folder name (they must only return; a folder name never holds an empty level).
// And the CRLF converter: its output fed in chunks equals its output fed whole, and holds no
// LF without CR before it.

import FuzzSupport
import MailImport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMailImport(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    let chunk = Int(bytes.first ?? 0) % 61 + 1
    let input = Array(bytes.dropFirst())
    for format in MboxSplitter.Format.allCases { checkMbox(input, format: format, chunk: chunk) }
    checkUIDList(input)
    checkSmallFiles(input)
    checkCRLF(input, chunk: chunk)
    return 0
}

private func split(_ input: [UInt8], format: MboxSplitter.Format, chunk: Int) -> [MboxSplitter.Event] {
    var splitter = MboxSplitter(format: format, maxHeaderBytes: 256)
    var events: [MboxSplitter.Event] = []
    var offset = 0
    while offset < input.count {
        events += splitter.feed(input[offset..<min(offset + chunk, input.count)])
        offset += chunk
    }
    return events + splitter.finish()
}

/// Events with neighbouring content pieces joined, so that chunkings compare.
private func joined(_ events: [MboxSplitter.Event]) -> [MboxSplitter.Event] {
    var result: [MboxSplitter.Event] = []
    for event in events {
        if case .content(let more) = event, case .content(let before)? = result.last {
            result[result.count - 1] = .content(before + more)
        } else if case .content(let bytes) = event, bytes.isEmpty {
            continue
        } else {
            result.append(event)
        }
    }
    return result
}

private func checkMbox(_ input: [UInt8], format: MboxSplitter.Format, chunk: Int) {
    let whole = joined(split(input, format: format, chunk: max(input.count, 1)))
    let pieces = joined(split(input, format: format, chunk: chunk))
    precondition(whole == pieces, "mbox events depend on the chunking")
    var inMessage = false
    var total = 0
    for event in whole {
        switch event {
        case .start:
            precondition(!inMessage, "a message started inside another")
            inMessage = true
        case .content(let bytes):
            precondition(inMessage, "content outside a message")
            total += bytes.count
        case .end:
            precondition(inMessage, "an end without a start")
            inMessage = false
        case .garbage(let count):
            precondition(!inMessage && count > 0 && count <= input.count, "garbage inside a message or of no bytes")
        }
    }
    precondition(!inMessage, "the last message did not end")
    precondition(total <= input.count, "messages hold more bytes than the file")
}

private func checkUIDList(_ input: [UInt8]) {
    let list = DovecotUIDList.parse(input)
    let lineCount = input.split(separator: 0x0A, omittingEmptySubsequences: false).count
    var previous: UInt32 = 0
    var names = Set<String>()
    for entry in list.entries {
        precondition(entry.uid > previous, "uidlist entries do not ascend")
        previous = entry.uid
        precondition(names.insert(MaildirFileName.base(of: entry.fileName)).inserted, "a file listed twice")
    }
    if let last = list.entries.last {
        precondition(list.effectiveNextUID > last.uid || list.effectiveNextUID == UInt32.max, "UIDNEXT not past the last UID")
    }
    for problem in list.problems {
        precondition(problem.line >= 1 && problem.line <= max(lineCount, 1), "a problem outside the file")
    }
}

private func checkSmallFiles(_ input: [UInt8]) {
    _ = DovecotKeywords.parse(input)
    for separator: Character in [".", "/"] {
        for name in DovecotSubscriptions.parse(input, separator: separator) {
            precondition(!name.isEmpty, "an empty subscription")
        }
    }
    for line in String(decoding: input, as: UTF8.self).split(separator: "\n").prefix(32) {
        let name = MaildirFileName(String(line))
        _ = name.flags(keywords: DovecotKeywords(names: [0: "a", 25: "z"]))
        for folder in [MaildirFolderName.maildirPlusPlus(String(line)), MaildirFolderName.fs(String(line))] {
            if let folder { precondition(!folder.split(separator: "/", omittingEmptySubsequences: false).contains(""), "an empty level") }
        }
    }
}

private func checkCRLF(_ input: [UInt8], chunk: Int) {
    var whole = CRLFConverter()
    let all = whole.convert(input)
    var pieces = CRLFConverter()
    var joined: [UInt8] = []
    var offset = 0
    while offset < input.count {
        joined += pieces.convert(input[offset..<min(offset + chunk, input.count)])
        offset += chunk
    }
    precondition(all == joined, "CRLF conversion depends on the chunking")
    for (index, byte) in all.enumerated() where byte == 0x0A {
        precondition(index > 0 && all[index - 1] == 0x0D, "a bare LF left")
    }
}
