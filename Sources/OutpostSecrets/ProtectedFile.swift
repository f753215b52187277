#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading and creating files that hold secrets (key files, private keys, passphrase files).
///
/// Plain POSIX calls rather than Foundation, because creation must be atomic with its mode: the
/// file is opened with `O_CREAT | O_EXCL` and mode 0600, so there is never a moment when another
/// user could open it, and an existing file is never overwritten by accident. Blocking I/O: call
/// from start-up code or a thread pool, not from an event loop.
public enum ProtectedFile {
    /// The contents of a file and its permission bits.
    public struct Contents: Sendable {
        public var bytes: [UInt8]
        /// The permission bits (`st_mode & 0o7777`).
        public var mode: UInt32
        /// True if group or others may read, write or execute the file.
        public var isAccessibleByOthers: Bool { mode & 0o077 != 0 }
    }

    /// Largest file we read: key and certificate files are a few kilobytes; this stops a mistaken
    /// path (a disk image, `/dev/zero`) from filling memory.
    public static let maximumSize = 4 * 1024 * 1024

    /// Reads a whole regular file.
    public static func read(_ path: String) throws(FileAccessError) -> Contents {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileAccessError(path: path, operation: .read, errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileAccessError(path: path, operation: .read, errno: errno) }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw FileAccessError(path: path, operation: .read, errno: EISDIR)
        }
        var bytes: [UInt8] = []
        // Sized up front so the buffer is not reallocated, leaving unwiped copies behind.
        bytes.reserveCapacity(min(Int(info.st_size), maximumSize) + 1)
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { posixRead(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileAccessError(path: path, operation: .read, errno: errno)
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > maximumSize { throw FileAccessError(path: path, operation: .read, errno: EFBIG) }
        }
        wipe(&chunk)
        return Contents(bytes: bytes, mode: UInt32(info.st_mode) & 0o7777)
    }

    /// Creates a new file with `mode` from the first instant and writes `bytes` to it.
    ///
    /// Fails with `EEXIST` if the file exists, unless `replacing` is true, in which case the old file
    /// is unlinked first (and the new one still created exclusively, so its mode is never wider).
    public static func create(
        _ path: String, contents bytes: [UInt8], mode: UInt32 = 0o600, replacing: Bool = false
    ) throws(FileAccessError) {
        if replacing, unlink(path) != 0, errno != ENOENT {
            throw FileAccessError(path: path, operation: .create, errno: errno)
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(mode))
        guard fd >= 0 else { throw FileAccessError(path: path, operation: .create, errno: errno) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { posixWrite(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                let failure = errno
                close(fd)
                unlink(path)
                throw FileAccessError(path: path, operation: .write, errno: failure)
            }
            offset += written
        }
        let synced = fsync(fd) == 0 ? 0 : errno
        close(fd)
        if synced != 0, synced != EINVAL, synced != EROFS {
            unlink(path)
            throw FileAccessError(path: path, operation: .write, errno: synced)
        }
    }

    /// Creates `path` and any missing parents with `mode` (0700 by default); existing directories
    /// are left as they are.
    public static func createDirectories(_ path: String, mode: UInt32 = 0o700) throws(FileAccessError) {
        var info = stat()
        if stat(path, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFDIR { return }
            throw FileAccessError(path: path, operation: .createDirectory, errno: ENOTDIR)
        }
        let parent = directoryName(of: path)
        if parent != path, !parent.isEmpty { try createDirectories(parent, mode: mode) }
        if mkdir(path, mode_t(mode)) != 0, errno != EEXIST {
            throw FileAccessError(path: path, operation: .createDirectory, errno: errno)
        }
    }

    /// The directory part of a path ("." for a bare name, "/" for a file in the root).
    public static func directoryName(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        if slash == trimmed.startIndex { return "/" }
        return String(trimmed[..<slash])
    }

    /// Overwrites a buffer with zeros in a way the optimiser may not remove.
    public static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            #if canImport(Darwin)
            _ = memset_s(base, buffer.count, 0, buffer.count)
            #else
            explicit_bzero(base, buffer.count)
            #endif
        }
        bytes.removeAll()
    }
}

// The C `read`/`write`, named apart from `ProtectedFile.read(_:)` so closures inside it resolve them.
@inline(__always) private func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}

@inline(__always) private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, buffer, count)
}
