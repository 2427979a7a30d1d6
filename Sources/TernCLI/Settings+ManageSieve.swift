import ManageSieveServer
import TOMLKit

extension Settings {
    /// `[managesieve]` (RFC 5804): `listen` (one `HOST:PORT` or a list), `max_scripts`,
    /// `max_script_size`. The script size limit is the Sieve compiler's (`[sieve]
    /// max_script_size`, which this one overrides), so that every script stored compiles at
    /// delivery.
    mutating func applyManageSieve(_ section: TableReader) throws {
        try section.checkKeys(["listen", "max_scripts", "max_script_size"])
        if let addresses = try section.stringOrStringList("listen") {
            manageSieve.listen = try addresses.map { try Self.parseAddress($0, option: "managesieve.listen") }
        }
        if let v = try section.int("max_scripts") { manageSieve.maxScripts = v }
        if let v = try section.int("max_script_size") { sieve.limits.maximumScriptSize = v }
    }
}

extension TableReader {
    /// A string, or an array of strings.
    func stringOrStringList(_ key: String) throws -> [String]? {
        guard let value = table[key] else { return nil }
        if let string = value.string { return [string] }
        guard let array = value.array else {
            throw SettingsError("\(file): \(section.map { "\($0)." } ?? "")\(key) must be a string or a list of strings")
        }
        return try array.map { element in
            guard let string = element.string else {
                throw SettingsError("\(file): \(section.map { "\($0)." } ?? "")\(key) must list strings")
            }
            return string
        }
    }
}
