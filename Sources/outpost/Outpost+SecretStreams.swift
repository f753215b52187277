import ArgumentParser
import Foundation
import OutpostSecrets
import OutpostTLS

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension Outpost {
    /// Standard input and error for the `secret` and `cert` commands: one-line errors in the form
    /// `outpost: error: …`, warnings as `outpost: warning: …`, and secrets read from stdin (never argv,
    /// which every user can see with `ps`).
    enum StandardStreams {
        /// Prints `outpost: error: MESSAGE` on stderr and returns the exit code to throw.
        static func failure(_ message: String) -> ExitCode {
            printLine("outpost: error: \(message)")
            return .failure
        }

        static func warning(_ message: String) {
            printLine("outpost: warning: \(message)")
        }

        /// A line on stderr (progress and notes, so stdout stays machine-readable).
        static func note(_ message: String) {
            printLine(message)
        }

        private static func printLine(_ line: String) {
            ConsoleOutput.error(line + "\n")
        }

        /// Runs a command body; library errors become one `outpost: error:` line and exit status 1.
        static func reportingErrors(_ body: () throws -> Void) throws {
            do {
                try body()
            } catch let error as SecretError {
                throw failure(error.message)
            } catch let error as TLSMaterialError {
                throw failure(error.message)
            }
        }

        /// Reads a secret from stdin: all of it, minus one trailing newline. When stdin is a terminal
        /// the input is not echoed and `prompt` is shown on stderr. Empty input is refused.
        static func readSecret(prompt: String, what: String) throws -> SecretValue {
            var bytes: [UInt8]
            if isatty(STDIN_FILENO) == 1 {
                bytes = readHiddenLine(prompt: prompt)
            } else {
                bytes = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
            }
            defer { ProtectedFile.wipe(&bytes) }
            let secret = PassphraseSource.strippingOneNewline(bytes)
            guard !secret.isEmpty else { throw failure("no \(what) on stdin; refusing an empty \(what)") }
            return SecretValue(bytes: secret)
        }

        /// Reads non-secret text from stdin (e.g. an `enc:v1:` value), trimmed of surrounding whitespace.
        static func readText() -> String {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// One line from the terminal with echo off.
        private static func readHiddenLine(prompt: String) -> [UInt8] {
            FileHandle.standardError.write(Data(prompt.utf8))
            var saved = termios()
            let canHide = tcgetattr(STDIN_FILENO, &saved) == 0
            if canHide {
                var hidden = saved
                hidden.c_lflag &= ~tcflag_t(ECHO)
                tcsetattr(STDIN_FILENO, TCSAFLUSH, &hidden)
            }
            defer {
                if canHide { tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved) }
                FileHandle.standardError.write(Data("\n".utf8))
            }
            var line: [UInt8] = []
            var byte: UInt8 = 0
            while read(STDIN_FILENO, &byte, 1) == 1, byte != 0x0A { line.append(byte) }
            return line
        }
    }
}
