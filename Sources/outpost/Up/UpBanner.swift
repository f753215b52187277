import Foundation
import OutpostSecrets

/// What `outpost up` prints once everything listens: the addresses, and curl commands that work when
/// pasted verbatim. Credentials are never printed; the commands read them from files in the state
/// directory (mode 0600): a netrc file for the EMS's Basic auth and a header file for the admin token.
struct UpBanner {
    struct Addresses {
        var alwaysOnPort: Int
        var adminPort: Int
        var emsURL: String
        var lsrURL: String?
    }

    let layout: UpLayout
    let configs: EffectiveConfigs
    let pki: DemoPKI
    let addresses: Addresses

    /// Writes `ems.netrc` and `admin.header` (0600, replaced each run: the ports may change).
    static func writeCredentialFiles(
        _ layout: UpLayout, emsUser: String, secrets: UpSecrets, keyFile: SecretKeyFile
    ) throws(UpStateError) {
        let password = try secrets.open(.emsPassword, with: keyFile)
        let token = try secrets.open(.adminToken, with: keyFile)
        var netrc = Array("machine 127.0.0.1 login \(emsUser) password \(password.reveal())\n".utf8)
        var header = Array("Authorization: Bearer \(token.reveal())\n".utf8)
        defer {
            ProtectedFile.wipe(&netrc)
            ProtectedFile.wipe(&header)
        }
        do {
            try ProtectedFile.create(layout.emsNetrc, contents: netrc, mode: 0o600, replacing: true)
            try ProtectedFile.create(layout.adminHeader, contents: header, mode: 0o600, replacing: true)
        } catch {
            throw UpStateError("cannot write a curl credential file: \(error.description)")
        }
    }

    /// `path` as short as it can be written from the current directory.
    static func display(_ path: String) -> String {
        let here = FileManager.default.currentDirectoryPath
        let prefix = here.hasSuffix("/") ? here : here + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    var text: String {
        let state = Self.display(layout.stateDirectory)
        let ca = Self.display(pki.caCertificate)
        let netrc = Self.display(layout.emsNetrc)
        let header = Self.display(layout.adminHeader)
        let admin = "http://127.0.0.1:\(addresses.adminPort)/admin"
        let (thing, property) = configs.subscriptions.first ?? ("Dev1", "Temp")
        var lines = [
            "",
            "Outpost is up (state in \(state)/, made on the first run and reused afterwards):",
            "  platform  AlwaysOn   wss://127.0.0.1:\(addresses.alwaysOnPort)/Thingworx/WS  (mutual TLS, CA \(ca))",
            "            admin API  \(admin)  (loopback; bearer token in \(header))",
            "  ems       REST API   \(addresses.emsURL)/Thingworx  (HTTPS, user \(configs.emsUser), password in \(netrc))",
        ]
        if let lsrURL = addresses.lsrURL {
            lines.append("  lsr       callbacks  \(lsrURL)  (things: \(configs.luaThings.joined(separator: ", ")); scripts from \(Self.display(layout.scriptsDirectory))/)")
        } else {
            lines.append("  lsr       not started: this build has no `outpost lsr`")
        }
        lines += [
            "",
            "Try it from another terminal in this directory:",
            "  # write a property on the EMS; it travels over AlwaysOn to the platform",
            "  curl --cacert \(ca) --netrc-file \(netrc) -w 'HTTP %{http_code}\\n' -X PUT -H 'Content-Type: application/json' -d '{\"\(property)\": 23.5}' \(addresses.emsURL)/Thingworx/Things/\(thing)/Properties/\(property)",
            "  # read it back from the platform's history",
            "  curl -H @\(header) \(admin)/things/\(thing)/properties/\(property)/history",
        ]
        if addresses.lsrURL != nil, let sensor = configs.luaThings.first {
            lines += [
                "  # the platform invokes the example service, answered by Lua (scripts/templates/sensor.lua)",
                "  curl -H @\(header) -X POST -H 'Content-Type: application/json' -d '{\"offset\": 1.5, \"reason\": \"demo\"}' \(admin)/things/\(sensor)/services/Calibrate",
                "  # values the sensor's task and scan push to the platform",
                "  curl -H @\(header) \(admin)/things/\(sensor)/properties/Temperature/history",
            ]
        }
        lines += ["", "Stop with Ctrl-C (every component stops with it).", ""]
        return lines.joined(separator: "\n")
    }
}
