import Foundation
import OutpostLua
import Testing

/// `tw_dir.*` from real Lua on real files: works inside the data directory, reads the scripts
/// directory, and refuses every way out (`..`, absolute paths, symbolic links, writes to scripts).
@Suite struct LuaDirTests {
    struct World {
        let root: String
        let data: String
        let scripts: String
        let lua: LuaRuntime
    }

    static func world(data: Bool = true) async throws -> World {
        let root = try LuaTestSupport.temporaryDirectory()
        let canonicalRoot = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
        let dataDirectory = canonicalRoot + "/data", scripts = canonicalRoot + "/scripts"
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        try LuaTestSupport.write("return {}\n", to: scripts + "/templates/t.lua")
        try LuaTestSupport.write("secret\n", to: canonicalRoot + "/outside.txt")
        let lua = try await LuaRuntime(name: "dir", options: .init(
            scriptsDirectory: scripts, logger: LuaTestSupport.logger, dataDirectory: data ? dataDirectory : nil))
        return World(root: canonicalRoot, data: dataDirectory, scripts: scripts, lua: lua)
    }

    @Test func fileFunctionsWorkInsideTheDataDirectory() async throws {
        let world = try await Self.world()
        defer { world.lua.shutdown(); try? FileManager.default.removeItem(atPath: world.root) }
        try LuaTestSupport.write("abc", to: world.data + "/in/a.txt")
        let results = try await world.lua.execute("""
            assert(tw_dir.mkdir("out/deep/er") == true)
            assert(tw_dir.copy("in/a.txt", "out/b.txt") == true)
            assert(tw_dir.move("out/b.txt", "out/deep") == true)
            local info = tw_dir.getFileInfo("out/deep/b.txt", true)
            local files, dirs = tw_dir.listFiles("in"), tw_dir.listSubdirs("out")
            local removed = tw_dir.remove("in")
            return tw_dir.pwd(), tw_dir.isDir("out/deep/er"), tw_dir.isFile("out/deep/b.txt"), tw_dir.exists("out/b.txt"),
              info.size, info.isFile, info.readOnly, info.md5, tw_dir.calculateMD5("out/deep/b.txt"),
              files[1], #files, dirs[1], removed, tw_dir.exists("in"), tw_dir.unixPath("a\\\\b/c"), info.lastModified > 0
            """)
        #expect(results == [
            .string(world.data), .boolean(true), .boolean(true), .boolean(false),
            .integer(3), .boolean(true), .boolean(false), .string("900150983cd24fb0d6963f7d28e17f72"), .string("900150983cd24fb0d6963f7d28e17f72"),
            .string("a.txt"), .integer(1), .string("deep"), .boolean(true), .boolean(false), .string("a/b/c"), .boolean(true),
        ])
        #expect(FileManager.default.fileExists(atPath: world.data + "/out/deep/b.txt"))
    }

    @Test func scriptsDirectoryIsReadableButNotWritable() async throws {
        let world = try await Self.world()
        defer { world.lua.shutdown(); try? FileManager.default.removeItem(atPath: world.root) }
        let results = try await world.lua.execute("""
            local info = tw_dir.getFileInfo("\(world.scripts)/templates/t.lua")
            local ok, message = tw_dir.remove("\(world.scripts)/templates/t.lua")
            return tw_dir.isFile("\(world.scripts)/templates/t.lua"), info.readOnly, ok, message
            """)
        #expect(results.prefix(3) == [.boolean(true), .boolean(true), .nil])
        #expect(results.last?.stringValue?.contains("outside \(world.data) (the writable directory)") == true)
        #expect(FileManager.default.fileExists(atPath: world.scripts + "/templates/t.lua"))
    }

    @Test func escapesAreRefusedWithAClearMessage() async throws {
        let world = try await Self.world()
        defer { world.lua.shutdown(); try? FileManager.default.removeItem(atPath: world.root) }
        try FileManager.default.createSymbolicLink(atPath: world.data + "/link", withDestinationPath: world.root)
        try FileManager.default.createSymbolicLink(atPath: world.data + "/dangling", withDestinationPath: world.root + "/new.txt")
        let results = try await world.lua.execute("""
            local a, m1 = tw_dir.isFile("../outside.txt")
            local b, m2 = tw_dir.calculateMD5("\(world.root)/outside.txt")
            local c, m3 = tw_dir.getFileInfo("link/outside.txt")
            local d, m4 = tw_dir.copy("../outside.txt", "stolen.txt")
            local e, m5 = tw_dir.copy("\(world.scripts)/templates/t.lua", "dangling")
            local f, m6 = tw_dir.remove(".")
            return a, m1, b, m2, c, m3, d, m4, e, m5, f, m6
            """)
        let messages = stride(from: 1, to: results.count, by: 2).map { results[$0].stringValue ?? "" }
        #expect(stride(from: 0, to: results.count, by: 2).allSatisfy { results[$0] == .nil })
        #expect(messages[0] == "tw_dir.isFile: '../outside.txt' contains '..'; paths must stay inside the script's directories")
        #expect(messages[1].contains("is outside \(world.data) or \(world.scripts)"), "\(messages[1])")
        #expect(messages[2].contains("'link/outside.txt' is outside"), "\(messages[2])")
        #expect(messages[3].contains("contains '..'"))
        #expect(messages[4].contains("symbolic link whose target does not exist"), "\(messages[4])")
        #expect(messages[5].contains("refusing to remove the data directory itself"))
        #expect(!FileManager.default.fileExists(atPath: world.root + "/new.txt"))
        #expect(!FileManager.default.fileExists(atPath: world.data + "/stolen.txt"))
    }

    @Test func withoutADataDirectory_writesAreRefused() async throws {
        let world = try await Self.world(data: false)
        defer { world.lua.shutdown(); try? FileManager.default.removeItem(atPath: world.root) }
        let results = try await world.lua.execute("local ok, m = tw_dir.mkdir('x'); return ok, m, tw_dir.pwd()")
        #expect(results.first == .nil)
        #expect(results[1].stringValue?.contains("writing needs a data directory (set scripts.data_directory in config.lua)") == true)
        #expect(results.last == .string(world.scripts))
    }

    @Test func md5MatchesKnownVectors() async throws {
        let world = try await Self.world()
        defer { world.lua.shutdown(); try? FileManager.default.removeItem(atPath: world.root) }
        try LuaTestSupport.write("", to: world.data + "/empty")
        try LuaTestSupport.write(String(repeating: "1234567890", count: 8), to: world.data + "/long")
        let results = try await world.lua.execute("return tw_dir.calculateMD5('empty'), tw_dir.calculateMD5('long')")
        #expect(results == [.string("d41d8cd98f00b204e9800998ecf8427e"), .string("57edf4a22be3c955ac49da2e2107b67a")])
    }
}
