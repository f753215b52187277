/// An InfoTable: a DataShape and rows of typed values (`alwayson.md` §4.5). It is the parameter and
/// result type of every request and response.
///
/// Rows are positional, as on the wire: value *i* belongs to field *i*. A row may hold fewer or more values
/// than the shape has fields, and a value may carry a type other than its field's declared one (the C SDK
/// does both); decoding keeps such rows as they are so that re-encoding gives the same bytes.
///
/// The values of all rows live in one flat copy-on-write array (see `InfoTable+Storage.swift`), so a
/// decoded table costs one allocation for its values however many rows it has. ``rows`` presents them
/// as nested arrays; ``rowCount``, ``row(_:)``, ``value(row:column:)`` and ``appendRow(_:)`` reach them
/// without building every row.
public struct InfoTable: Sendable, Hashable {
    public var dataShape: DataShape
    /// The values of every row, one after another; VARIANTs are unboxed (``InfoTableCell``).
    var cells: InfoTableCells
    /// How `cells` splits into rows: a positive value is the width of every row; otherwise the
    /// negated row count, with each row closed by an ``InfoTableCell/rowEnd`` cell. The uniform form is
    /// used exactly when there is at least one row and every row holds the same, non-zero number of
    /// values, which keeps the representation canonical (synthesized equality relies on it).
    var layout: Int

    public init(dataShape: DataShape = DataShape(), rows: [[Primitive]] = []) {
        self.dataShape = dataShape
        (cells, layout) = Self.storage(for: rows)
    }

    public init(fields: [FieldDefinition], rows: [[Primitive]] = []) {
        self.init(dataShape: DataShape(fields: fields), rows: rows)
    }

    /// The rows as nested arrays. Reading builds them from the flat storage and writing replaces it, so
    /// loops over large tables should prefer ``rowCount`` with ``row(_:)`` or ``value(row:column:)``,
    /// and builders ``appendRow(_:)``.
    public var rows: [[Primitive]] {
        get {
            var result: [[Primitive]] = []
            result.reserveCapacity(rowCount)
            forEachRow { values in result.append(values.map(\.primitive)) }
            return result
        }
        set {
            (cells, layout) = Self.storage(for: newValue)
        }
    }

    /// The single-value wrapper the C SDK uses for property writes, property reads and `GetMetadata`
    /// (§4.6): one field named `name` of the value's own base type, one row holding the value.
    public static func single(_ name: String, _ value: Primitive) -> InfoTable {
        InfoTable(fields: [FieldDefinition(name: name, baseType: value.baseType)], rows: [[value]])
    }

    /// The value of the named field in a row, or `nil` if the row or field does not exist. When field
    /// names repeat, the first one wins.
    public func value(_ field: String, row: Int = 0) -> Primitive? {
        guard let index = dataShape.index(of: field) else { return nil }
        return value(row: row, column: index)
    }
}
