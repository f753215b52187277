/// An InfoTable: a DataShape and rows of typed values (`alwayson.md` §4.5). It is the parameter and
/// result type of every request and response.
///
/// Rows are positional, as on the wire: value *i* belongs to field *i*. A row may hold fewer or more values
/// than the shape has fields, and a value may carry a type other than its field's declared one (the C SDK
/// does both); decoding keeps such rows as they are so that re-encoding gives the same bytes.
public struct InfoTable: Sendable, Hashable {
    public var dataShape: DataShape
    public var rows: [[Primitive]]

    public init(dataShape: DataShape = DataShape(), rows: [[Primitive]] = []) {
        self.dataShape = dataShape
        self.rows = rows
    }

    public init(fields: [FieldDefinition], rows: [[Primitive]] = []) {
        self.init(dataShape: DataShape(fields: fields), rows: rows)
    }

    /// The single-value wrapper the C SDK uses for property writes, property reads and `GetMetadata`
    /// (§4.6): one field named `name` of the value's own base type, one row holding the value.
    public static func single(_ name: String, _ value: Primitive) -> InfoTable {
        InfoTable(fields: [FieldDefinition(name: name, baseType: value.baseType)], rows: [[value]])
    }

    /// The value of the named field in a row, or `nil` if the row or field does not exist. When field
    /// names repeat, the first one wins.
    public func value(_ field: String, row: Int = 0) -> Primitive? {
        guard rows.indices.contains(row), let index = dataShape.index(of: field) else { return nil }
        let values = rows[row]
        return values.indices.contains(index) ? values[index] : nil
    }
}
