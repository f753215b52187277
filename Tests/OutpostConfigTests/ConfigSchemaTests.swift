import Foundation
import OutpostConfig
import Testing

@Suite struct ConfigSchemaTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Keys of the model that `config.json.complete` of EMS 5.4 does not set.
    static let notInEMS54Complete: Set<String> = [
        "rest_interface.restart",
        "certificates.fingerprints",
        "http_server.tls_directory", "certificates.trusted_directory", "strict_permissions",
        "offline_msg_store.max_age", "offline_msg_store.overflow", "offline_msg_store.durability", "offline_msg_store.batch_entries",
        "auto_bind[].cert_chain",
    ]

    @Test func committedSchema_matchesTheModel() throws {
        let url = Self.repositoryRoot.appendingPathComponent(EMSConfig.schemaFileName)
        let committed = try String(contentsOf: url, encoding: .utf8)
        #expect(committed == EMSConfig.jsonSchema(), "regenerate with: swift run outpost validate --print-schema > config.schema.json")
    }

    @Test func schema_isValidJSON_withEveryTopLevelGroup() throws {
        let data = Data(EMSConfig.jsonSchema().utf8)
        let schema = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let properties = try #require(schema["properties"] as? [String: Any])
        #expect(Set(properties.keys) == [
            "ws_servers", "resource", "appKey", "logger", "http_server", "fips", "ws_connection", "proxy",
            "offline_msg_store", "certificates", "auto_bind", "tunnel", "file", "rest_interface", "strict_permissions",
        ])
        let http = try #require(properties["http_server"] as? [String: Any])
        let httpProperties = try #require(http["properties"] as? [String: Any])
        let port = try #require(httpProperties["port"] as? [String: Any])
        #expect(port["default"] as? Int == 8000)
        #expect(port["maximum"] as? Int == 65535)
        #expect(schema["required"] as? [String] == ["ws_servers", "appKey"])
    }

    @Test func everyCatalogKey_isReadByTheLoader() {
        // A file that sets every key in the catalog to a well-typed value must produce no unknown-key
        // warning: the catalog, the schema and the loader are one list.
        let catalog = EMSConfig.catalog
        #expect(catalog.count > 90)
        #expect(Set(catalog.map(\.path)).count == catalog.count)
        let result = EMSConfig.load(EMS54Fixtures.complete, notYetUsed: true)
        let present = Set(result.presentKeys.keys)
        let catalogPaths = Set(catalog.map(\.path))
        #expect(present.isSubset(of: catalogPaths))
        // The complete fixture sets every leaf key of the catalog except the undocumented
        // `rest_interface.restart` and the keys Outpost adds to the EMS 5.4 set.
        let leaves = catalogPaths.filter { path in !catalogPaths.contains { $0.hasPrefix(path + ".") || $0.hasPrefix(path + "[].") } }
        #expect(leaves.subtracting(present) == Self.notInEMS54Complete)
    }

    @Test func secretKeys_areMarkedInTheCatalog() {
        let secrets = Set(EMSConfig.catalog.filter(\.isSecret).map(\.path))
        #expect(secrets == [
            "appKey", "http_server.passphrase", "http_server.password", "proxy.password",
            "certificates.key_passphrase", "auto_bind[].password",
        ])
    }
}
