#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file that holds secret material could not be read or created.
///
/// Carries the path, what was being done and the `errno`, so that the layer above can turn it into a
/// message in its own words (a missing key file and a missing certificate call for different advice).
public struct FileAccessError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was being done when the error happened.
    public enum Operation: String, Sendable {
        case read = "read"
        case create = "create"
        case createDirectory = "create the directory"
        case write = "write"
    }

    public let path: String
    public let operation: Operation
    /// The POSIX error number (`ENOENT`, `EACCES`, ...).
    public let errno: Int32

    public init(path: String, operation: Operation, errno: Int32) {
        self.path = path
        self.operation = operation
        self.errno = errno
    }

    /// The file or one of its parent directories does not exist.
    public var isMissing: Bool { errno == ENOENT }
    /// The file exists but this process may not open it.
    public var isPermissionDenied: Bool { errno == EACCES || errno == EPERM }
    /// The file exists already (only for `create`).
    public var isAlreadyExisting: Bool { errno == EEXIST }

    /// The system's text for `errno`, e.g. "Permission denied".
    public var reason: String { Self.reason(for: errno) }

    public var description: String { "cannot \(operation.rawValue) \(path): \(reason)" }

    /// The system's text for an `errno` value.
    public static func reason(for errno: Int32) -> String {
        guard let text = strerror(errno) else { return "error \(errno)" }
        return String(cString: text)
    }
}
