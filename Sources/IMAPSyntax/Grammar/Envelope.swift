/// `address` (RFC 9051 §7.5.2, §9). Values are the raw header bytes after RFC 5322 unquoting;
/// nil is NIL. A group start has a nil host and the group name as mailbox; a group end has a
/// nil mailbox and host.
public struct EnvelopeAddress: Hashable, Sendable {
    public var name: [UInt8]?
    public var adl: [UInt8]?
    public var mailbox: [UInt8]?
    public var host: [UInt8]?
    public init(name: [UInt8]?, adl: [UInt8]?, mailbox: [UInt8]?, host: [UInt8]?) {
        self.name = name
        self.adl = adl
        self.mailbox = mailbox
        self.host = host
    }
}

/// `envelope` (RFC 9051 §7.5.2): the parsed top-level header of a message or of a
/// message/rfc822 part. Empty address lists are NIL.
public struct Envelope: Hashable, Sendable {
    public var date: [UInt8]?
    public var subject: [UInt8]?
    public var from: [EnvelopeAddress]
    public var sender: [EnvelopeAddress]
    public var replyTo: [EnvelopeAddress]
    public var to: [EnvelopeAddress]
    public var cc: [EnvelopeAddress]
    public var bcc: [EnvelopeAddress]
    public var inReplyTo: [UInt8]?
    public var messageID: [UInt8]?

    public init(date: [UInt8]? = nil, subject: [UInt8]? = nil, from: [EnvelopeAddress] = [],
                sender: [EnvelopeAddress] = [], replyTo: [EnvelopeAddress] = [],
                to: [EnvelopeAddress] = [], cc: [EnvelopeAddress] = [],
                bcc: [EnvelopeAddress] = [], inReplyTo: [UInt8]? = nil,
                messageID: [UInt8]? = nil) {
        self.date = date
        self.subject = subject
        self.from = from
        self.sender = sender
        self.replyTo = replyTo
        self.to = to
        self.cc = cc
        self.bcc = bcc
        self.inReplyTo = inReplyTo
        self.messageID = messageID
    }
}

/// `body-fld-dsp` (RFC 9051 §9): disposition type and parameters.
public struct BodyDisposition: Hashable, Sendable {
    public var type: String
    public var parameters: [BodyParameter]
    public init(type: String, parameters: [BodyParameter]) {
        self.type = type
        self.parameters = parameters
    }
}

/// One `body-fld-param` pair (RFC 9051 §9).
public struct BodyParameter: Hashable, Sendable {
    public var name: String
    public var value: [UInt8]
    public init(name: String, value: [UInt8]) {
        self.name = name
        self.value = value
    }
}

/// The extension data of BODYSTRUCTURE shared by single parts and multiparts
/// (`body-ext-1part` and `body-ext-mpart` after their first field, RFC 9051 §9).
public struct BodyExtension: Hashable, Sendable {
    public var disposition: BodyDisposition?
    /// nil or empty is NIL; one value is written as a string, several as a list.
    public var language: [String]
    public var location: [UInt8]?
    public init(disposition: BodyDisposition? = nil, language: [String] = [],
                location: [UInt8]? = nil) {
        self.disposition = disposition
        self.language = language
        self.location = location
    }
}

/// `body` (RFC 9051 §7.5.2): the MIME structure of a message.
public indirect enum BodyStructure: Hashable, Sendable {
    case single(SinglePart)
    case multipart(Multipart)

    /// `body-type-1part` with its `body-fields`.
    public struct SinglePart: Hashable, Sendable {
        public var type: String
        public var subtype: String
        public var parameters: [BodyParameter]
        public var id: [UInt8]?
        public var description: [UInt8]?
        public var encoding: String
        public var octets: UInt64
        public var kind: Kind
        /// `body-fld-md5`.
        public var md5: [UInt8]?
        public var extensionData: BodyExtension

        /// `body-type-text` carries a line count; `body-type-msg` an envelope, a body and
        /// a line count; `body-type-basic` nothing more.
        public enum Kind: Hashable, Sendable {
            case basic
            case text(lines: UInt64)
            case message(Envelope, BodyStructure, lines: UInt64)
        }

        public init(type: String, subtype: String, parameters: [BodyParameter] = [],
                    id: [UInt8]? = nil, description: [UInt8]? = nil, encoding: String = "7BIT",
                    octets: UInt64, kind: Kind, md5: [UInt8]? = nil,
                    extensionData: BodyExtension = BodyExtension()) {
            self.type = type
            self.subtype = subtype
            self.parameters = parameters
            self.id = id
            self.description = description
            self.encoding = encoding
            self.octets = octets
            self.kind = kind
            self.md5 = md5
            self.extensionData = extensionData
        }
    }

    /// `body-type-mpart`.
    public struct Multipart: Hashable, Sendable {
        public var parts: [BodyStructure]
        public var subtype: String
        public var parameters: [BodyParameter]
        public var extensionData: BodyExtension
        public init(parts: [BodyStructure], subtype: String, parameters: [BodyParameter] = [],
                    extensionData: BodyExtension = BodyExtension()) {
            self.parts = parts
            self.subtype = subtype
            self.parameters = parameters
            self.extensionData = extensionData
        }
    }
}
