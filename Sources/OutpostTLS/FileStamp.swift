import Foundation

/// What a set of files looked like at one moment (existence, inode, size, modification time): a
/// cheap way to notice that certificate files were replaced, whether in place, by rename (new inode)
/// or by a `..data` symlink swap as Kubernetes does it.
public struct FileStamp: Sendable, Equatable {
    struct Entry: Sendable, Equatable {
        var exists: Bool
        var inode: UInt64 = 0
        var size: UInt64 = 0
        var modified: Double = 0
    }

    var entries: [String: Entry]

    public static func take(_ paths: [String]) -> FileStamp {
        var entries: [String: Entry] = [:]
        for path in paths {
            // attributesOfItem follows the final symlink, so a swapped link target shows as a new inode.
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
                entries[path] = Entry(exists: false)
                continue
            }
            entries[path] = Entry(
                exists: true,
                inode: (attributes[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0,
                size: (attributes[.size] as? NSNumber)?.uint64Value ?? 0,
                modified: (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)
        }
        return FileStamp(entries: entries)
    }
}
