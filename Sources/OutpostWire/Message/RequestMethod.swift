/// The method of a request (codes 0x01–0x04).
public enum RequestMethod: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case get = 0x01
    case put = 0x02
    case post = 0x03
    /// `DEL` in the C SDK; defined but never sent by its API.
    case delete = 0x04

    public var name: String {
        switch self {
        case .get: "GET"
        case .put: "PUT"
        case .post: "POST"
        case .delete: "DELETE"
        }
    }

    /// Accepts `GET`, `PUT`, `POST`, `DELETE` and the SDK's `DEL`, in any case.
    public init?(name: String) {
        switch name.uppercased() {
        case "GET": self = .get
        case "PUT": self = .put
        case "POST": self = .post
        case "DELETE", "DEL": self = .delete
        default: return nil
        }
    }

    public var code: MessageCode { MessageCode(rawValue: rawValue) }

    public var description: String { name }
}
