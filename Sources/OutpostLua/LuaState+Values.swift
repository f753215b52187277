internal import CLua

extension LuaState {
    /// Pushes a value. Raw sets only, so no metamethod can run (and raise) from Swift. The C API does not
    /// grow the stack by itself: every push first makes room (an overflow would corrupt the heap).
    func push(_ value: LuaValue) {
        push(value, depth: 0)
    }

    private func push(_ value: LuaValue, depth: Int) {
        _ = lua_checkstack(L, 4)
        switch value {
        case .nil, .opaque:
            lua_pushnil(L)
        case .boolean(let flag):
            lua_pushboolean(L, flag ? 1 : 0)
        case .integer(let number):
            lua_pushinteger(L, number)
        case .number(let number):
            lua_pushnumber(L, number)
        case .string(let text):
            var text = text
            text.withUTF8 { buffer in
                buffer.withMemoryRebound(to: CChar.self) { chars in
                    _ = lua_pushlstring(L, chars.baseAddress, chars.count)
                }
            }
        case .bytes(let bytes):
            bytes.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { chars in
                    _ = lua_pushlstring(L, chars.baseAddress, chars.count)
                }
            }
        case .table(let table):
            guard depth < LuaValue.maximumDepth else {
                lua_pushnil(L)
                return
            }
            lua_createtable(L, Int32(clamping: table.array.count), Int32(clamping: table.fields.count))
            for (index, item) in table.array.enumerated() {
                push(item, depth: depth + 1)
                lua_rawseti(L, -2, lua_Integer(index + 1))
            }
            for (key, item) in table.fields {
                push(.string(key), depth: depth + 1)
                push(item, depth: depth + 1)
                lua_rawset(L, -3)
            }
        }
    }

    /// The string at an index without conversion of numbers (nil for non-strings); keeps NULs.
    func string(at index: Int32) -> String? {
        guard lua_type(L, index) == LUA_TSTRING else { return nil }
        var length = 0
        guard let pointer = lua_tolstring(L, index, &length) else { return nil }
        let bytes = UnsafeRawBufferPointer(start: pointer, count: length)
        return String(validating: bytes, as: UTF8.self) ?? String(decoding: bytes, as: UTF8.self)
    }

    /// Copies the value at an index out of the state.
    func value(at index: Int32) throws(LuaError) -> LuaValue {
        try value(at: lua_absindex(L, index), depth: 0)
    }

    private func value(at index: Int32, depth: Int) throws(LuaError) -> LuaValue {
        switch lua_type(L, index) {
        case LUA_TNIL, LUA_TNONE:
            return .nil
        case LUA_TBOOLEAN:
            return .boolean(lua_toboolean(L, index) != 0)
        case LUA_TNUMBER:
            return outpost_isinteger(L, index) != 0 ? .integer(outpost_tointeger(L, index)) : .number(outpost_tonumber(L, index))
        case LUA_TSTRING:
            var length = 0
            guard let pointer = lua_tolstring(L, index, &length) else { return .nil }
            let bytes = UnsafeRawBufferPointer(start: pointer, count: length)
            if let text = String(validating: bytes, as: UTF8.self) { return .string(text) }
            return .bytes(Array(bytes))
        case LUA_TTABLE:
            guard depth < LuaValue.maximumDepth else {
                throw LuaError.conversion("table is nested more than \(LuaValue.maximumDepth) levels deep (a cycle?)")
            }
            guard lua_checkstack(L, 4) != 0 else {
                throw LuaError.memory("no room on the Lua stack to copy a table")
            }
            return .table(try table(at: index, depth: depth))
        default:
            return .opaque(typeName(at: index))
        }
    }

    private func table(at index: Int32, depth: Int) throws(LuaError) -> LuaTable {
        var table = LuaTable()
        let length = lua_rawlen(L, index)
        var count: lua_Integer = 0
        while count < lua_Integer(length) {
            _ = lua_rawgeti(L, index, count + 1)
            if lua_type(L, -1) == LUA_TNIL {
                outpost_pop(L, 1)
                break
            }
            let item = try value(at: lua_gettop(L), depth: depth + 1)
            outpost_pop(L, 1)
            table.array.append(item)
            count += 1
        }
        lua_pushnil(L)
        while lua_next(L, index) != 0 {
            // key at -2, value at -1; never convert the key in place (it would confuse lua_next).
            let key: String?
            switch lua_type(L, -2) {
            case LUA_TSTRING:
                key = string(at: -2)
            case LUA_TNUMBER:
                if outpost_isinteger(L, -2) != 0 {
                    let number = outpost_tointeger(L, -2)
                    key = (number >= 1 && number <= count) ? nil : String(number)
                } else {
                    key = String(outpost_tonumber(L, -2))
                }
            case LUA_TBOOLEAN:
                key = lua_toboolean(L, -2) != 0 ? "true" : "false"
            default:
                key = nil
            }
            if let key {
                table.fields[key] = try value(at: lua_gettop(L), depth: depth + 1)
            }
            outpost_pop(L, 1)
        }
        return table
    }
}
