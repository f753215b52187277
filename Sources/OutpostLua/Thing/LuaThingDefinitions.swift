public import OutpostWire

/// A property as the template declared it, after the defaults of `ems-lsr.md` §4.7.2 were applied.
public struct LuaPropertyDefinition: Sendable, Equatable {
    public var name: String
    /// The declared type name (`NUMBER`, `LONG`, …) and its wire type (`LONG` travels as NUMBER).
    public var baseTypeName: String
    public var baseType: BaseType
    public var description: String
    /// `ALWAYS`, `VALUE`, `NEVER` or `DEADBAND` (VALUE compared with the last *pushed* value).
    public var pushType: String
    public var pushThreshold: Double
    public var dataChangeType: String
    public var dataChangeThreshold: Double
    public var cacheTime: Double
    /// Milliseconds between reads by the scan.
    public var scanRate: Int64
    public var handler: String
    public var dataShape: String?
    public var isPrivate: Bool
    public var defaultValue: LuaValue
}

/// An input or the output (always named `result`) of a service definition.
public struct LuaFieldDefinition: Sendable, Equatable {
    public var name: String
    public var baseTypeName: String
    public var baseType: BaseType
    public var description: String
    /// `aspects` as written (`dataShape`, `defaultValue`, …).
    public var aspects: LuaValue
    /// The input's `default`, applied when a caller leaves it out.
    public var defaultValue: LuaValue
}

/// A service: its `serviceDefinitions` metadata and whether `services.<name>` implements it.
public struct LuaServiceDefinition: Sendable, Equatable {
    public var name: String
    public var description: String
    public var inputs: [LuaFieldDefinition]
    public var output: LuaFieldDefinition
    public var isPrivate: Bool
    public var isImplemented: Bool
}

/// A property's current value, time (Unix ms) and quality, e.g. one entry of a scan's push list.
public struct LuaPropertyValue: Sendable, Equatable {
    public var name: String
    public var baseType: BaseType
    public var value: LuaValue
    public var time: Int64
    public var quality: String

    public init(name: String, baseType: BaseType, value: LuaValue, time: Int64, quality: String) {
        self.name = name
        self.baseType = baseType
        self.value = value
        self.time = time
        self.quality = quality
    }

    /// The value as an AlwaysOn primitive of the property's base type.
    public func primitive() throws -> Primitive {
        try Primitive(emsJSON: value.json(), as: baseType)
    }
}

/// What a service call answered: the status code, the JSON body on success (the LSR's response shape,
/// see `ems-lsr.md` §4.4), the error text otherwise, and any headers the service returned.
public struct LuaServiceResponse: Sendable, Equatable {
    public var code: Int
    public var body: JSONValue?
    public var message: String?
    public var headers: [String: String]

    public init(code: Int, body: JSONValue? = nil, message: String? = nil, headers: [String: String] = [:]) {
        self.code = code
        self.body = body
        self.message = message
        self.headers = headers
    }
}

/// A property or task operation that failed, with the HTTP-style status the LSR would answer
/// (404 unknown name, 400 bad value, the handler's own code, 500 for a Lua error).
public struct LuaThingError: Error, Sendable, Equatable, CustomStringConvertible {
    public let status: Int
    public let message: String
    /// The Lua failure behind a 500, if any (script error, budget, memory, timeout).
    public let luaError: LuaError?

    public init(status: Int, message: String, luaError: LuaError? = nil) {
        self.status = status
        self.message = message
        self.luaError = luaError
    }

    init(_ error: LuaError) {
        self.init(status: 500, message: error.message, luaError: error)
    }

    public var description: String { "\(status) \(message)" }
}

extension BaseType {
    /// The wire type of a template type name; `LONG` (not in the protocol) travels as NUMBER.
    init?(templateName name: String) {
        if name.uppercased() == "LONG" {
            self = .number
        } else {
            self.init(name: name)
        }
    }
}
