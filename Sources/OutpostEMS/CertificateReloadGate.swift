import HTTPTypes
import Logging
import NIOPosix
public import OutpostConfig
public import OutpostTLS
import OutpostWire

/// The LocalEms `ReloadCertificates` service: re-reads every TLS material of this EMS now (listener,
/// SNI certificates, client CA, trusted CAs for edge endpoints) and answers one row per certificate in
/// use with the outcome and the days left. Who may call it follows `rest_interface.restart`, as for
/// `Restart` (`local`: REST clients on loopback only; `any`: every authenticated REST client and the
/// platform), since both change what the process serves.
public struct CertificateReloadGate: Sendable {
    public var policy: RestInterfaceConfig.RestartPolicy
    /// What is reloaded; nil: the service answers that nothing is reloadable here (embedded use, tests).
    public var loop: TLSMaintenanceLoop?

    public init(policy: RestInterfaceConfig.RestartPolicy = .local, loop: TLSMaintenanceLoop? = nil) {
        self.policy = policy
        self.loop = loop
    }

    static let rowFields: [FieldDefinition] = [
        FieldDefinition(name: "material", baseType: .string),
        FieldDefinition(name: "result", baseType: .string),
        FieldDefinition(name: "certificate", baseType: .string),
        FieldDefinition(name: "file", baseType: .string),
        FieldDefinition(name: "daysToExpiry", baseType: .number),
        FieldDefinition(name: "level", baseType: .string),
        FieldDefinition(name: "message", baseType: .string),
    ]

    func request(by caller: LocalCaller, logger: Logger) async throws(EMSError) -> InfoTable {
        guard policy == .any || caller == .loopback else {
            logger.notice("ReloadCertificates refused", metadata: ["outpost.ems.caller": "\(caller)"])
            throw EMSError(
                .forbidden,
                "Certificate reload not allowed: rest_interface.restart is \"local\", so only REST clients on this host may reload; set it to \"any\" to allow \(caller)")
        }
        guard let loop else {
            throw EMSError(.notFound, "this EMS has no reloadable TLS material (ssl is off and no trusted CA files are configured)")
        }
        logger.info("ReloadCertificates: re-reading TLS material", metadata: ["outpost.ems.caller": "\(caller)"])
        let results: [CertificateReloadResult]
        do {
            results = try await NIOThreadPool.singleton.runIfActive { loop.reloadNow() }
        } catch {
            throw EMSError(.serviceUnavailable, "the EMS is shutting down; certificates were not reloaded")
        }
        var reported = Set<String>()
        for result in results where !reported.contains(result.material) {
            reported.insert(result.material)
            if result.status == .rejected {
                logger.error("\(result.message)")
            } else if result.status == .reloaded {
                logger.notice("\(result.message)")
            }
        }
        let rows: [[Primitive]] = results.map { result in
            [
                .string(result.material), .string(result.status.rawValue),
                .string(result.certificate.map { "\($0.role): \($0.summary.displayName)" } ?? ""),
                .string(result.certificate?.path ?? ""), .number(Double(result.expiry?.daysLeft ?? 0)),
                .string(result.expiry.map { "\($0.level)" } ?? ""), .string(result.message),
            ]
        }
        return InfoTable(fields: Self.rowFields, rows: rows)
    }
}
