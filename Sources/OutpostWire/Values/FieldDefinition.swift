/// One field of a DataShape: name, description, declared base type and aspects.
public struct FieldDefinition: Sendable, Hashable {
    public var name: String
    /// Free text; the C SDK writes an empty string when there is none.
    public var description: String
    public var baseType: BaseType
    /// Aspects in wire order, e.g. `isPrimaryKey` = BOOLEAN true.
    public var aspects: [Aspect]

    public init(name: String, description: String = "", baseType: BaseType, aspects: [Aspect] = []) {
        self.name = name
        self.description = description
        self.baseType = baseType
        self.aspects = aspects
    }
}
