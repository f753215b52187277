public import OutpostSecrets

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension TLSMaterialError {
    /// Maps a failed read of `what` (e.g. "private key file") to a distinct, actionable error.
    ///
    /// Separate from the read itself so the `EACCES` case can be tested where tests run as root.
    public static func reading(_ what: String, failure: FileAccessError) -> TLSMaterialError {
        let path = failure.path
        switch failure.errno {
        case ENOENT:
            return TLSMaterialError(.fileMissing, "\(what) \(path) does not exist")
        case EACCES, EPERM:
            return TLSMaterialError(
                .permissionDenied,
                "cannot read \(what) \(path): permission denied; run outpost as a user that may read it, "
                    + "or change its owner or mode")
        case ENOTDIR:
            return TLSMaterialError(.fileMissing, "\(what) \(path) does not exist: a part of its path is not a directory")
        case EISDIR:
            return TLSMaterialError(.fileUnreadable, "\(what) \(path) is a directory, not a file")
        case EFBIG:
            return TLSMaterialError(.fileUnreadable, "\(what) \(path) is too large to be a PEM file")
        default:
            return TLSMaterialError(.fileUnreadable, "cannot read \(what) \(path): \(failure.reason)")
        }
    }

    /// Reads a file for TLS material, mapping failures with ``reading(_:failure:)``.
    static func read(_ what: String, at path: String) throws(TLSMaterialError) -> ProtectedFile.Contents {
        do {
            return try ProtectedFile.read(path)
        } catch {
            throw reading(what, failure: error)
        }
    }
}
