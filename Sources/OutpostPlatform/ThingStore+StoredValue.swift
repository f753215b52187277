import Foundation
import GRDB
import OutpostWire

/// How a property value sits in its history row: the base type's wire code and the value as SQLite's
/// own type (REAL, INTEGER, TEXT, NULL), so appending a value needs no JSON and reading one no parse.
/// Only the rare structured values (INFOTABLE, LOCATION, IMAGE/BLOB) are kept as their admin JSON
/// text, which reads back exactly as the JSON store and the first SQLite schema did.
extension ThingStore {
    struct StoredValue {
        var baseType: Int64
        var value: DatabaseValue
    }

    static func stored(_ value: Primitive) -> StoredValue {
        switch value {
        case .variant(let inner): return stored(inner)
        case .nothing: return StoredValue(baseType: Int64(BaseType.nothing.rawValue), value: .null)
        case .number(let number): return StoredValue(baseType: Int64(BaseType.number.rawValue), value: number.databaseValue)
        case .boolean(let flag): return StoredValue(baseType: Int64(BaseType.boolean.rawValue), value: (flag ? 1 : 0).databaseValue)
        case .datetime(let ms): return StoredValue(baseType: Int64(BaseType.datetime.rawValue), value: ms.databaseValue)
        case .integer(let integer): return StoredValue(baseType: Int64(BaseType.integer.rawValue), value: Int64(integer).databaseValue)
        case .text(let type, let text):
            // GRDB binds and reads TEXT as C strings: a text holding NUL goes in as its UTF-8 bytes.
            let stored = text.utf8.contains(0) ? Data(text.utf8).databaseValue : text.databaseValue
            return StoredValue(baseType: Int64(type.rawValue), value: stored)
        case .infoTable, .location, .bytes:
            return StoredValue(baseType: Int64(value.baseType.rawValue), value: value.adminJSON.serialized().databaseValue)
        }
    }

    static func primitive(_ stored: StoredValue) -> Primitive {
        guard let type = BaseType(rawValue: UInt8(truncatingIfNeeded: stored.baseType)) else { return .nothing }
        let value = stored.value
        switch type {
        case .nothing: return .nothing
        case .number: return Double.fromDatabaseValue(value).map(Primitive.number) ?? .nothing
        case .boolean: return Int64.fromDatabaseValue(value).map { .boolean($0 != 0) } ?? .nothing
        case .datetime: return Int64.fromDatabaseValue(value).map(Primitive.datetime) ?? .nothing
        case .integer: return Int64.fromDatabaseValue(value).map { .integer(Int32(clamping: $0)) } ?? .nothing
        case _ where type.isTextual:
            if case .blob(let bytes) = value.storage { return .text(type, String(decoding: bytes, as: UTF8.self)) }
            return String.fromDatabaseValue(value).map { .text(type, $0) } ?? .nothing
        default:
            guard let text = String.fromDatabaseValue(value), let json = try? JSONValue(parsing: text) else { return .nothing }
            return Primitive(adminJSON: json, baseType: type.name)
        }
    }
}
