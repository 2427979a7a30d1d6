public import ArgumentParser
import MailCore

/// `tern`: the IMAP server and its administration commands.
public struct TernCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "tern",
        abstract: "Tern, an IMAP server.",
        version: ServerVersion.version,
        subcommands: [ServeCommand.self, UserCommand.self, CertCommand.self, DeliverCommand.self, ImportCommand.self,
                      SieveCommand.self, QuotaCommand.self, MetadataCommand.self,
                      AccessControlCommand.self, MailboxCommand.self])

    public init() {}
}

/// Options every subcommand takes, so that scripts can drive the server they started.
struct CommonOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Directory of the mail store (default: ./tern-data, or data_dir in the config file).")
    var dataDirectory: String?

    @Option(name: .customLong("config"), help: "Configuration file (TOML).")
    var configFile: String?

    /// The settings from the file (if any) with the command-line options applied over them.
    func settings() throws -> Settings {
        var settings = try configFile.map(Settings.load(from:)) ?? Settings()
        if let dataDirectory { settings.dataDirectory = dataDirectory }
        return settings
    }
}
