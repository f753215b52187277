internal import CLua
import Foundation

extension LuaNatives {
    /// `dir(function, …)`: the file functions of `tw_dir` (`ems-lsr.md` §4.8), confined by the state's
    /// ``LuaFileSandbox``. Failures (a refused path, a missing file) return `nil, message`, the usual Lua
    /// convention, so a script can test the result; only a missing function name raises.
    static let dir: LuaNativeFunction = { L in
        LuaState.native(L) { state throws(LuaError) in
            let arguments = try state.arguments()
            guard let function = arguments.first?.stringValue else { throw LuaError.conversion("dir needs a function name") }
            let rest = Array(arguments.dropFirst())
            do throws(LuaFileSandbox.Refusal) {
                return try LuaDirFunctions(sandbox: state.fileSandbox, function: function, arguments: rest).run()
            } catch {
                return [.nil, .string(error.message)]
            }
        }
    }
}

/// One `tw_dir` call: resolves its path arguments through the sandbox, then does the file work.
struct LuaDirFunctions {
    let sandbox: LuaFileSandbox
    let function: String
    let arguments: [LuaValue]
    private var files: FileManager { .default }

    private func path(_ index: Int, writing: Bool = false) throws(LuaFileSandbox.Refusal) -> String {
        guard index < arguments.count, let text = arguments[index].stringValue, !text.isEmpty else {
            throw LuaFileSandbox.Refusal(message: "tw_dir.\(function): argument \(index + 1) must be a non-empty path string")
        }
        return try sandbox.resolve(text, writing: writing, function: function)
    }

    private func isDirectory(_ path: String) -> Bool {
        var flag: ObjCBool = false
        return files.fileExists(atPath: path, isDirectory: &flag) && flag.boolValue
    }

    private func failure(_ what: String, _ error: any Error) -> LuaFileSandbox.Refusal {
        LuaFileSandbox.Refusal(message: "tw_dir.\(function): \(what): \((error as NSError).localizedDescription)")
    }

    func run() throws(LuaFileSandbox.Refusal) -> [LuaValue] {
        switch function {
        case "pwd":
            guard let directory = sandbox.workingDirectory else {
                throw LuaFileSandbox.Refusal(message: "tw_dir.pwd: no directory is configured for scripts (set scripts.data_directory in config.lua)")
            }
            return [.string(directory)]
        case "exists": return [.boolean(files.fileExists(atPath: try path(0)))]
        case "isDir": return [.boolean(isDirectory(try path(0)))]
        case "isFile":
            let target = try path(0)
            return [.boolean(files.fileExists(atPath: target) && !isDirectory(target))]
        case "listFiles", "listSubdirs":
            let directory = try path(0)
            let names: [String]
            do { names = try files.contentsOfDirectory(atPath: directory) } catch { throw failure("cannot list '\(directory)'", error) }
            let wantDirectories = function == "listSubdirs"
            let chosen = names.sorted().filter { isDirectory(directory + "/" + $0) == wantDirectories }
            return [.table(LuaTable(array: chosen.map { .string($0) }))]
        case "getFileInfo": return [try fileInfo(path(0), hash: arguments.count > 1 && arguments[1] == .boolean(true))]
        case "calculateMD5":
            let file = try path(0)
            guard let data = files.contents(atPath: file), !isDirectory(file) else {
                throw LuaFileSandbox.Refusal(message: "tw_dir.calculateMD5: cannot read file '\(file)'")
            }
            return [.string(MD5Digest.hex([UInt8](data)))]
        case "mkdir":
            let directory = try path(0, writing: true)
            do { try files.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch { throw failure("cannot create '\(directory)'", error) }
            return [.boolean(true)]
        case "remove":
            let target = try path(0, writing: true)
            if let root = sandbox.dataDirectory.map(LuaFileSandbox.canonical), target == root {
                throw LuaFileSandbox.Refusal(message: "tw_dir.remove: refusing to remove the data directory itself")
            }
            guard files.fileExists(atPath: target) else { throw LuaFileSandbox.Refusal(message: "tw_dir.remove: '\(target)' does not exist") }
            do { try files.removeItem(atPath: target) } catch { throw failure("cannot remove '\(target)'", error) }
            return [.boolean(true)]
        case "move", "copy":
            let source = try path(0, writing: function == "move")
            let destination = try path(1, writing: true)
            guard files.fileExists(atPath: source) else { throw LuaFileSandbox.Refusal(message: "tw_dir.\(function): '\(source)' does not exist") }
            if files.fileExists(atPath: destination) && !isDirectory(destination) {
                do { try files.removeItem(atPath: destination) } catch { throw failure("cannot replace '\(destination)'", error) }
            }
            let target = isDirectory(destination) ? destination + "/" + (source as NSString).lastPathComponent : destination
            do {
                if function == "move" { try files.moveItem(atPath: source, toPath: target) } else { try files.copyItem(atPath: source, toPath: target) }
            } catch { throw failure("cannot \(function) '\(source)' to '\(target)'", error) }
            return [.boolean(true)]
        default:
            throw LuaFileSandbox.Refusal(message: "tw_dir.\(function) is not available in the sandbox")
        }
    }

    /// `{size, lastModified (Unix ms), readOnly, isFile, isDir, md5 (when asked)}`.
    private func fileInfo(_ file: String, hash: Bool) throws(LuaFileSandbox.Refusal) -> LuaValue {
        let attributes: [FileAttributeKey: Any]
        do { attributes = try files.attributesOfItem(atPath: file) } catch { throw failure("no such file '\(file)'", error) }
        let directory = isDirectory(file)
        var info = LuaTable()
        info["size"] = .integer(Int64((attributes[.size] as? NSNumber)?.int64Value ?? 0))
        info["lastModified"] = .integer(Int64(((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0) * 1000))
        info["readOnly"] = .boolean(!files.isWritableFile(atPath: file) || (try? sandbox.resolve(file, writing: true, function: function)) == nil)
        info["isFile"] = .boolean(!directory)
        info["isDir"] = .boolean(directory)
        if hash && !directory, let data = files.contents(atPath: file) { info["md5"] = .string(MD5Digest.hex([UInt8](data))) }
        return .table(info)
    }
}
