/// Templates the process tests run besides the shipped `sensor` example.
enum TestTemplates {
    /// Written the way templates for the original were: Lua 5.1 idioms (`module`, `setfenv`, `unpack`,
    /// `loadstring`, `table.getn`).
    static let legacy = """
        module("templates.legacy", thingworx.template.extend)

        local function sum(...)
          local values, total = { ... }, 0
          for i = 1, table.getn(values) do total = total + values[i] end
          return total
        end

        properties.Counter = { baseType = "INTEGER", pushType = "VALUE", value = 0 }

        serviceDefinitions.Sum(
          input { name = "a", baseType = "NUMBER" },
          input { name = "b", baseType = "NUMBER" },
          output { baseType = "NUMBER" },
          description { "a + b, the 5.1 way" }
        )

        services.Sum = function(me, headers, query, data)
          local args = { tonumber(data.a), tonumber(data.b) }
          local identity = loadstring("return ...")
          local reader = function() return total end
          setfenv(reader, { total = sum(unpack(args)) })
          return 200, reader() + identity(0)
        end
        """

    /// A service that never ends and a task that allocates without end.
    static let runaway = """
        module("templates.runaway", thingworx.template.extend)

        properties.Beat = { baseType = "INTEGER", pushType = "VALUE", value = 0 }

        serviceDefinitions.Spin(output { baseType = "STRING" })

        services.Spin = function(me)
          local n = 0
          while true do n = n + 1 end
        end

        tasks.Hog = function(me)
          local hoard = {}
          while true do hoard[#hoard + 1] = ("x"):rep(4096) .. #hoard end
        end
        """
}
