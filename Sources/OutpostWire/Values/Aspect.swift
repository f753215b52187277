/// A named typed value attached to a field definition.
public struct Aspect: Sendable, Hashable {
    public var name: String
    public var value: Primitive

    public init(name: String, value: Primitive) {
        self.name = name
        self.value = value
    }
}
