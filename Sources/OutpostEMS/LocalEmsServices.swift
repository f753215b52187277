import Foundation
import HTTPTypes
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import OutpostSecrets
import OutpostWire

/// The services and properties the EMS answers itself (`ems-lsr.md` §3.5), for `LocalEms` and gateway
/// names, from REST clients and from the platform alike. They work while the platform is offline.
public final class LocalEmsServices: Sendable {
    private let registry: EdgeRegistry
    private let link: any PlatformLink
    let resolver: SecretResolver?
    private let maskedConfiguration: JSONValue
    private let version: String
    let logger: Logger
    /// nil: the settings name no config file, so nothing can be persisted.
    let configFile: ConfigFileEditor?
    private let restart: RestartGate
    private let certificateReload: CertificateReloadGate
    /// How TestPort reaches other hosts (proxy, extra trust roots).
    let outbound: OutboundSettings
    /// The write path, for `GetOutboxStatus` (set by ``EMSServer``).
    let writes = NIOLockedValueBox<(any WriteSink)?>(nil)

    init(
        registry: EdgeRegistry, link: any PlatformLink, resolver: SecretResolver?, maskedConfiguration: JSONValue,
        version: String, configFile: String? = nil, restart: RestartGate = RestartGate(),
        certificateReload: CertificateReloadGate = CertificateReloadGate(),
        outbound: OutboundSettings = OutboundSettings(), logger: Logger
    ) {
        self.outbound = outbound
        self.registry = registry
        self.link = link
        self.resolver = resolver
        self.maskedConfiguration = maskedConfiguration
        self.version = version
        self.configFile = configFile.map { ConfigFileEditor(path: $0, resolver: resolver) }
        self.restart = restart
        self.certificateReload = certificateReload
        self.logger = logger
    }

    static let readOnlyProperties = ["isConnected"]

    var isConnectedTable: InfoTable { .single("isConnected", .boolean(link.isConnected)) }

    /// The JSON body of ``property(_:)``'s table, for reads answered on the event loop: made once per
    /// state of the link, not once per read (it was about a tenth of such a read's instructions).
    func propertyBody(_ name: String?) -> ByteBuffer? {
        guard name == nil || name == "isConnected" else { return nil }
        return link.isConnected ? Self.connectedBody : Self.disconnectedBody
    }

    private static let connectedBody = ByteBuffer(bytes: InfoTable.single("isConnected", .boolean(true)).emsJSON().serializedBytes())
    private static let disconnectedBody = ByteBuffer(bytes: InfoTable.single("isConnected", .boolean(false)).emsJSON().serializedBytes())

    /// GET of a local property; nil name reads all.
    func property(_ name: String?) throws(EMSError) -> InfoTable {
        guard let name else { return isConnectedTable }
        guard name == "isConnected" else { throw .notFound("LocalEms has no property \(name)") }
        return isConnectedTable
    }

    /// Runs a local service. nil: success with no content.
    func call(_ service: String, parameters: JSONObject, caller: LocalCaller) async throws(EMSError) -> InfoTable? {
        switch service.lowercased() {
        case "addedgething": return try await addEdgeThing(parameters)
        case "removeedgething": return try await removeEdgeThing(parameters)
        case "updateconfiguration": return try updateConfiguration(parameters, replace: try bool(parameters, "replace") ?? false)
        case "replaceconfiguration": return try updateConfiguration(parameters, replace: true)
        case "restart": return try restart.request(by: caller, logger: logger)
        case "reloadcertificates": return try await certificateReload.request(by: caller, logger: logger)
        case "getlogdata": return Self.emptyLog
        case "getoutboxstatus": return try await outboxStatus()
        case "hasedgething":
            let name = try requiredName(parameters)
            return .single("result", .boolean(registry.contains(name)))
        case "getedgethings":
            return InfoTable(fields: EdgeBinding.rowFields, rows: registry.all.map(\.row))
        case "getmicroserverversion":
            return .single("result", .string(version))
        case "getconfiguration":
            return .single("result", .json(maskedConfiguration.serialized()))
        case "testport":
            return try await testPort(parameters)
        case "notifypropertyupdate":
            return nil
        case "startfilelogging", "stopfilelogging":
            throw EMSError(
                .notImplemented,
                "\(service) is not implemented by Outpost: it logs to standard error (collected by the service manager, e.g. journald); choose the level with --log-level")
        default:
            throw .notFound("LocalEms has no service \(service)")
        }
    }

    /// The same services for requests coming from the platform.
    func handlePlatform(_ request: RequestBody) async -> ResponseBody {
        do {
            switch (request.method, request.characteristic) {
            case (.get, .properties):
                return ResponseBody(content: try property(request.target.isEmpty ? nil : request.target))
            case (.post, .services):
                let parameters = request.parameters?.parametersJSON() ?? JSONObject()
                return ResponseBody(content: try await call(request.target, parameters: parameters, caller: .platform))
            default:
                return ResponseBody(status: .methodNotAllowed, reason: "\(request.method) \(request.characteristic) is not supported on \(request.entityName)")
            }
        } catch {
            let status: ResponseStatus =
                switch error.status.code {
                case 400: .badRequest
                case 403: .forbidden
                case 404: .notFound
                case 501: .notImplemented
                default: .internalServerError
                }
            return ResponseBody(status: status, reason: error.message)
        }
    }

    // MARK: Services

    private func requiredName(_ parameters: JSONObject) throws(EMSError) -> String {
        guard let name = parameters["name"]?.stringValue?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
            throw .badRequest("The input parameter 'name' is required.")
        }
        return name
    }

    func integer(_ parameters: JSONObject, _ key: String, in range: ClosedRange<Int>) throws(EMSError) -> Int? {
        guard let value = parameters[key] else { return nil }
        let number: Int?
        switch value {
        case .integer(let v): number = Int(exactly: v)
        case .number(let v): number = v.rounded() == v && abs(v) < 1e15 ? Int(v) : nil
        case .string(let text): number = Int(text.trimmingCharacters(in: .whitespaces))
        case .null: return nil
        default: number = nil
        }
        guard let number, range.contains(number) else {
            throw .badRequest("parameter '\(key)' must be an integer in \(range.lowerBound)…\(range.upperBound) (a number or a string of digits)")
        }
        return number
    }

    func string(_ parameters: JSONObject, _ key: String) throws(EMSError) -> String? {
        guard let value = parameters[key] else { return nil }
        switch value {
        case .string(let text): return text
        case .null: return nil
        default: throw .badRequest("parameter '\(key)' must be a string")
        }
    }

    func bool(_ parameters: JSONObject, _ key: String) throws(EMSError) -> Bool? {
        guard let value = parameters[key] else { return nil }
        switch value {
        case .bool(let flag): return flag
        case .string(let text) where text.lowercased() == "true": return true
        case .string(let text) where text.lowercased() == "false": return false
        case .null: return nil
        default: throw .badRequest("parameter '\(key)' must be a boolean")
        }
    }

    private func addEdgeThing(_ parameters: JSONObject) async throws(EMSError) -> InfoTable? {
        let name = try requiredName(parameters)
        guard name != "LocalEms" else { throw .badRequest("LocalEms cannot be registered as an edge thing") }
        var binding = EdgeBinding(name: name, host: "localhost")
        if let host = try string(parameters, "host") { binding.host = host }
        if let port = try integer(parameters, "port", in: 1...65535) { binding.port = port }
        let proto = try string(parameters, "proto")
        let protocolName = try string(parameters, "protocol")
        if let scheme = proto ?? protocolName {
            guard let parsed = EdgeBinding.Scheme(rawValue: scheme.lowercased()) else {
                throw .badRequest("parameter 'proto' must be http or https, got \(scheme)")
            }
            binding.scheme = parsed
        }
        if let path = try string(parameters, "path") {
            guard path.hasPrefix("/") else { throw .badRequest("parameter 'path' must start with '/'") }
            binding.path = path
        }
        if let keepalive = try integer(parameters, "keepalive", in: 1_000...86_400_000) { binding.keepalive = .milliseconds(keepalive) }
        if let timeout = try integer(parameters, "timeout", in: 1...3_600_000) { binding.timeout = .milliseconds(timeout) }
        binding.user = try string(parameters, "user").flatMap { $0.isEmpty ? nil : $0 }
        if let password = try string(parameters, "password"), !password.isEmpty {
            if SealedSecret.isSealed(password) || SealedSecret.isLegacy(password) {
                guard let resolver else { throw .badRequest("parameter 'password' is sealed but no key file is available") }
                do {
                    binding.password = try resolver.resolve(password, key: "AddEdgeThing.password")
                } catch {
                    throw .badRequest("parameter 'password' cannot be opened: \(error.message)")
                }
            } else {
                binding.password = SecretValue(password)
            }
        }
        binding.gateway = try bool(parameters, "gateway") ?? false
        binding.allowSelfSigned = try bool(parameters, "allow_self_signed") ?? false
        if try bool(parameters, "deny_self_signed") == true { binding.allowSelfSigned = false }
        try readCertChain(parameters, into: &binding)
        if try bool(parameters, "persist") == true {
            try persist(binding, password: try string(parameters, "password"))
        }
        let existed = registry.upsert(binding)
        logger.info(
            existed ? "edge thing already in binding list; updating info" : "edge thing added to binding list",
            metadata: ["outpost.ems.thing": "\(name)", "outpost.ems.endpoint": "\(binding.baseURL ?? "-")"])
        if !existed {
            do {
                try await link.bind(names: [name])
            } catch {
                logger.warning("BIND failed; it is retried on reconnect", metadata: ["outpost.ems.thing": "\(name)", "outpost.error": "\(error.message)"])
            }
        }
        return nil
    }

    private func removeEdgeThing(_ parameters: JSONObject) async throws(EMSError) -> InfoTable? {
        let name = try requiredName(parameters)
        guard registry.contains(name) else { throw .notFound("The Edge Thing \(name) is not in the binding list.") }
        try unpersist(name)
        registry.remove(name)
        do {
            try await link.unbind(names: [name])
        } catch {
            logger.warning("UNBIND failed", metadata: ["outpost.ems.thing": "\(name)", "outpost.error": "\(error.message)"])
        }
        logger.info("The Edge Thing has been removed.", metadata: ["outpost.ems.thing": "\(name)"])
        return nil
    }
}
