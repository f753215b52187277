import Logging
import ServiceLifecycle

/// Probes bound edge endpoints with a real request every `probeInterval`; unbinds a thing upstream
/// after `unbindAfterFailures` failures in a row and binds it again when its endpoint answers.
struct EdgeProber: Service, CustomStringConvertible {
    let registry: EdgeRegistry
    let forwarder: EdgeForwarder
    let link: any PlatformLink
    let settings: EMSSettings
    let logger: Logger

    /// Its name in ServiceLifecycle's log metadata; without a description the group names the prober by
    /// reflecting over its stored fields at start-up.
    var description: String { "edge prober" }

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: settings.probeInterval) }
            } catch {
                return
            }
            await probeOnce()
        }
    }

    func probeOnce() async {
        for binding in registry.all where !binding.gateway && binding.baseURL != nil {
            let reachable = await forwarder.probe(binding)
            switch registry.recordProbe(binding.name, reachable: reachable, unbindAfter: settings.unbindAfterFailures) {
            case .unbind:
                logger.warning("edge endpoint unreachable; unbinding", metadata: ["outpost.ems.thing": "\(binding.name)"])
                try? await link.unbind(names: [binding.name])
            case .rebind:
                logger.info("edge endpoint reachable again; binding", metadata: ["outpost.ems.thing": "\(binding.name)"])
                try? await link.bind(names: [binding.name])
            case nil:
                break
            }
        }
    }
}
