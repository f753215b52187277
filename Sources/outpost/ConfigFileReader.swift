import Foundation

/// Reads a configuration file with errors that name the file and say what to do.
enum ConfigFileReader {
    struct ReadError: Error, CustomStringConvertible {
        var description: String
    }

    static func read(_ path: String) throws(ReadError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            let code = errno
            switch code {
            case ENOENT: throw ReadError(description: "\(path): file not found; check the path (relative paths start at \(FileManager.default.currentDirectoryPath))")
            case EACCES: throw ReadError(description: "\(path): permission denied; run as a user that can read it")
            default: throw ReadError(description: "\(path): cannot open: \(String(cString: strerror(code)))")
            }
        }
        defer { close(descriptor) }
        var status = stat()
        if fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR {
            throw ReadError(description: "\(path): is a directory, not a file")
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 { throw ReadError(description: "\(path): read failed: \(String(cString: strerror(errno)))") }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > 16 * 1_048_576 {
                throw ReadError(description: "\(path): larger than 16 MiB; this is not a configuration file")
            }
        }
        return bytes
    }
}
