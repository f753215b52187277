import Foundation
import HTTPTypes
import NIOConcurrencyHelpers
import OutpostConfig
import OutpostSecrets
import OutpostWire

/// Writes `config.json` for the LocalEms services that change it: `AddEdgeThing`/`RemoveEdgeThing`
/// with `persist:true`, `UpdateConfiguration` and `ReplaceConfiguration` (`ems-lsr.md` §3.5).
///
/// Every change is checked before it touches the disk: the result must load as an EMS config without
/// errors, no secret may be the `********` mask that GetConfiguration shows (a client editing what it
/// read would otherwise overwrite the real password with the mask), and plain-text secrets are sealed
/// with this install's key file. The file is replaced atomically (temporary file in the same
/// directory, fsync, rename) keeping its permissions, so a crash leaves the old or the new file, never
/// half of one. Changes take effect at the next start, as in the original.
final class ConfigFileEditor: Sendable {
    let path: String
    private let resolver: SecretResolver?
    private let lock = NIOLock()

    init(path: String, resolver: SecretResolver?) {
        self.path = path
        self.resolver = resolver
    }

    /// Applies `change` to the file's JSON and writes the result.
    func update(_ change: (JSONValue) throws(EMSError) -> JSONValue) throws(EMSError) {
        lock.lock()
        defer { lock.unlock() }
        let current: JSONValue
        do {
            current = try JSONValue(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        } catch {
            throw EMSError(.internalServerError, "cannot read \(path) as JSON to change it: \(error); fix the file by hand")
        }
        try write(try change(current))
    }

    /// Replaces the whole file.
    func replace(with config: JSONValue) throws(EMSError) {
        lock.lock()
        defer { lock.unlock() }
        try write(config)
    }

    private func write(_ config: JSONValue) throws(EMSError) {
        guard case .object = config else { throw .badRequest("Error parsing config JSON: the configuration must be a JSON object") }
        let sealed = try sealSecrets(config, at: "")
        let bytes = sealed.serializedBytes(pretty: true) + [0x0A]
        let loaded = EMSConfig.load(bytes)
        if loaded.config == nil || loaded.hasErrors {
            let errors = loaded.findings.filter { $0.severity == .error }.prefix(5).map { "\($0)" }
            throw .badRequest("the new configuration is not valid, nothing was written: " + errors.joined(separator: "; "))
        }
        try Self.atomicWrite(bytes, to: path)
    }

    /// Refuses masked secrets and seals plain-text ones; `where` is the key path for messages.
    private func sealSecrets(_ value: JSONValue, at location: String) throws(EMSError) -> JSONValue {
        switch value {
        case .object(let object):
            var result = JSONObject()
            for member in object {
                let here = location.isEmpty ? member.key : "\(location).\(member.key)"
                if ConfigMasking.isSecretKey(member.key), case .string(let text) = member.value {
                    result.append(member.key, .string(try seal(text, at: here)))
                } else {
                    result.append(member.key, try sealSecrets(member.value, at: here))
                }
            }
            return .object(result)
        case .array(let items):
            var result: [JSONValue] = []
            for (index, item) in items.enumerated() { result.append(try sealSecrets(item, at: "\(location)[\(index)]")) }
            return .array(result)
        default:
            return value
        }
    }

    private func seal(_ text: String, at location: String) throws(EMSError) -> String {
        if text == ConfigMasking.mask {
            throw .badRequest("\(location) is the mask \(ConfigMasking.mask) that GetConfiguration shows; send the real value or leave the key out")
        }
        if text.isEmpty || SealedSecret.isSealed(text) || SealedSecret.isLegacy(text) { return text }
        guard let resolver else {
            throw .badRequest("\(location) is plain text and no secret key file is available to seal it; seal it with `outpost secret encrypt`")
        }
        do {
            return try SecretKeyFile.loadOrCreate(at: resolver.keyFilePath).seal(SecretValue(text))
        } catch {
            throw EMSError(.internalServerError, "cannot seal \(location) with the key file: \(error.message)")
        }
    }

    /// Same directory, same mode, fsync, rename.
    static func atomicWrite(_ bytes: [UInt8], to path: String) throws(EMSError) {
        var info = stat()
        let mode: mode_t = stat(path, &info) == 0 ? info.st_mode & 0o777 : 0o600
        let temporary = "\(path).tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else {
            throw EMSError(.internalServerError, "cannot create \(temporary): \(String(cString: strerror(errno))); check the directory's permissions")
        }
        let written = bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let count = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if count <= 0 { return false }
                offset += count
            }
            return true
        }
        let synced = fsync(fd) == 0
        close(fd)
        guard written, synced, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw EMSError(.internalServerError, "cannot write \(path): \(reason); the file was left unchanged")
        }
    }
}
