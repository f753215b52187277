/// The field definitions of an InfoTable, in wire order. The wire has no DataShape name; that name
/// exists only in JSON metadata.
public struct DataShape: Sendable, Hashable {
    public var fields: [FieldDefinition]

    public init(fields: [FieldDefinition] = []) {
        self.fields = fields
    }

    /// Position of the first field with this name.
    public func index(of name: String) -> Int? {
        fields.firstIndex { $0.name == name }
    }
}
