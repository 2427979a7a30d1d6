import TernCLI

/// The `tern` executable: all command-line logic lives in TernCLI, where tests can reach it.
@main
struct Tern {
    static func main() async {
        await TernCommand.main()
    }
}
