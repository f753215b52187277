import ArgumentParser
import Foundation
import OutpostWire

extension Outpost {
    /// `outpost wire`: look inside AlwaysOn messages and build them by hand, for debugging an uplink or
    /// writing test vectors.
    struct Wire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "wire",
            abstract: "Decode and encode AlwaysOn protocol messages.",
            discussion: """
                AlwaysOn is the binary protocol the gateway speaks to the platform over its WebSocket. \
                'decode' turns one message (the payload of one binary WebSocket message) into JSON; \
                'encode' turns that JSON back into bytes. The JSON keeps everything needed to \
                reproduce the input exactly, so 'outpost wire decode … | outpost wire encode' prints \
                the bytes it was given.
                """,
            subcommands: [Decode.self, Encode.self]
        )
    }
}

extension Outpost.Wire {
    struct Decode: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "decode",
            abstract: "Print one AlwaysOn message as JSON.",
            discussion: """
                The message is read as hex from the arguments, or from standard input when there are \
                none; spaces and line breaks between bytes are ignored, so a hex dump can be pasted as \
                is. With --binary, raw bytes are read from standard input.

                The output has the header fields by name, the body under 'request', 'response', \
                'auth', 'bind', 'unbind', 'keepAlive' or 'chunk', and InfoTables as rows plus \
                dataShape. A 'spelling' member appears only when the sender used a legal but unusual \
                encoding (for example zero padding after a response); it is what lets 'encode' \
                reproduce the bytes.

                Exit status: 0 on success; 1 when the input is not a valid message, with the byte \
                offset and the reason on standard error.

                Example:
                  outpost wire decode 01 40 00 00 00 01 00 00 00 00 00 00 00 2A 00 00 FF
                """
        )

        @Argument(
            help: ArgumentHelp(
                "The message as hex digits; may be split over several arguments.",
                discussion: "Omit to read hex from standard input.",
                valueName: "hex"
            )
        )
        var hex: [String] = []

        @Flag(help: "Read the message as raw bytes from standard input instead of hex.")
        var binary = false

        @Flag(help: "Print the JSON on one line instead of indented.")
        var compact = false

        @Option(help: ArgumentHelp("Refuse InfoTables and VARIANTs nested deeper than this.", valueName: "levels"))
        var maxDepth: Int = WireLimits.default.maxNestingDepth

        func validate() throws {
            if binary && !hex.isEmpty {
                throw ValidationError("--binary reads standard input; do not also give hex arguments.")
            }
            guard (1...WireLimits.hardMaximumNestingDepth).contains(maxDepth) else {
                throw ValidationError("--max-depth must be between 1 and \(WireLimits.hardMaximumNestingDepth).")
            }
        }

        func run() async throws {
            let bytes: [UInt8]
            if binary {
                bytes = WireIO.readStandardInput()
            } else {
                let text = hex.isEmpty ? String(decoding: WireIO.readStandardInput(), as: UTF8.self) : hex.joined(separator: " ")
                do {
                    bytes = try WireHex.decode(text)
                } catch {
                    throw WireIO.failure("input is not hex: \(error)")
                }
            }
            let limits = WireLimits(maxNestingDepth: maxDepth)
            do {
                let message = try AlwaysOnMessage(decoding: bytes, limits: limits)
                print(message.wireJSON().serialized(pretty: !compact))
            } catch {
                throw WireIO.failure("not a valid AlwaysOn message (\(bytes.count) bytes): \(error)")
            }
        }
    }

    struct Encode: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "encode",
            abstract: "Build one AlwaysOn message from JSON and print it as hex.",
            discussion: """
                Reads the JSON that 'outpost wire decode' prints, from the argument or from standard \
                input, and writes the message bytes as lower-case hex on one line, or as raw bytes \
                with --binary. Members are checked strictly: an unknown member, a value that does not \
                fit its field's baseType, or a count out of range is an error naming the JSON path.

                Exit status: 0 on success; 1 when the JSON is invalid or describes a message that \
                cannot be encoded.

                Example:
                  outpost wire decode 01 40 00 00 00 01 00 00 00 00 00 00 00 2A 00 00 FF \\
                    | outpost wire encode
                """
        )

        @Argument(
            help: ArgumentHelp(
                "The message as JSON.",
                discussion: "Omit to read the JSON from standard input.",
                valueName: "json"
            )
        )
        var json: String?

        @Flag(help: "Write raw bytes to standard output instead of hex.")
        var binary = false

        @Flag(help: "Separate the hex bytes with spaces.")
        var spaced = false

        func run() async throws {
            let text = json ?? String(decoding: WireIO.readStandardInput(), as: UTF8.self)
            let bytes: [UInt8]
            do {
                let message = try AlwaysOnMessage(wireJSON: text)
                bytes = try message.encodedBytes()
            } catch {
                throw WireIO.failure("cannot encode: \(error)")
            }
            if binary {
                ConsoleOutput.out(bytes: bytes)
            } else {
                print(WireHex.encode(bytes, spaced: spaced))
            }
        }
    }
}

/// Standard input and error for the wire tools.
private enum WireIO {
    static func readStandardInput() -> [UInt8] {
        [UInt8](FileHandle.standardInput.readDataToEndOfFile())
    }

    /// Prints `error: …` to standard error and gives the exit status 1 to throw.
    static func failure(_ message: String) -> ExitCode {
        ConsoleOutput.error("error: \(message)\n")
        return ExitCode.failure
    }
}
