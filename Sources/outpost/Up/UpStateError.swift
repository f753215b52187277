/// A problem with `outpost up`'s state directory or the repository configs it derives from. Every
/// message names the file and says what to do; a damaged state always ends with the advice to delete
/// the state directory, since everything in it is re-created on the next run.
struct UpStateError: Error, CustomStringConvertible {
    var description: String

    init(_ message: String) {
        description = message
    }

    /// A file of the state directory is missing, unreadable or inconsistent with the others.
    static func damaged(_ file: String, _ problem: String, stateDirectory: String) -> UpStateError {
        UpStateError(
            "\(file): \(problem). The state directory \(stateDirectory) is damaged or incomplete; delete it "
                + "(rm -rf \(stateDirectory)) and run again to create a new one")
    }
}
