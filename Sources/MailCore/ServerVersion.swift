/// The server's name and version, as `tern --version`, IMAP ID (RFC 2971 §3.3) and the logs
/// give them. The version follows semantic versioning; 0.x while the store format may still
/// change between versions (each change comes with its migration).
public enum ServerVersion {
    public static let name = "Tern"
    public static let version = "0.9.0"
}
