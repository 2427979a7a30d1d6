#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The names a development certificate is made for: whatever a client on this machine may
/// type. The README tells clients to connect to `127.0.0.1`; others use `localhost`, `::1`
/// or the machine's name, and a verifying client (RFC 6125 §6) accepts only a name the
/// certificate lists.
enum CertificateNames {
    /// `localhost`, `127.0.0.1`, `::1`, the host name, and `extra` (given first, so that the
    /// first extra name becomes the common name), without repeats.
    static func subjectNames(extra: [String]) -> [String] {
        var candidates = extra + ["localhost", "127.0.0.1", "::1"]
        if let host = hostName() { candidates.append(host) }
        var names: [String] = []
        for name in candidates where !name.isEmpty && !names.contains(name) {
            names.append(name)
        }
        return names
    }

    /// The machine's name (`gethostname`), or nil if it has none worth naming.
    static func hostName() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return nil }
        let name = String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty || name == "localhost" ? nil : name
    }

    /// The 4 or 16 bytes of an IPv4 or IPv6 address in text form (RFC 5280 §4.2.1.6
    /// `iPAddress`), or nil if `text` is not an address (then it is a DNS name).
    static func addressBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }
}
