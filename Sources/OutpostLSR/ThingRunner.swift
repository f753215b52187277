import Foundation
import Logging
import NIOConcurrencyHelpers
import OutpostConfig
public import OutpostLua

/// The main loop of one thing (`ems-lsr.md` §4.7.2, §4.5): every `scanRateResolution` it scans due
/// properties, pushes the changed ones once registered, keeps the registration alive (`keepAliveRate`
/// HasEdgeThing checks, re-registration when missing or every `registerRate`) and runs the tasks every
/// `taskRate`. Script failures are logged with their `file:line` and never end the loop.
public final class ThingRunner: Sendable {
    public let thing: LuaThing
    let script: LuaScriptResourceConfig.Script
    let registration: EdgeRegistration
    let client: EMSClient
    let health: EMSLinkHealth
    let refresh: SubscriptionRefresh
    let retryInitial: Duration
    let retryMaximum: Duration
    let logger: Logger
    private let stopping = NIOLockedValueBox(false)

    init(
        thing: LuaThing, script: LuaScriptResourceConfig.Script, registration: EdgeRegistration, client: EMSClient,
        health: EMSLinkHealth, refresh: SubscriptionRefresh, retryInitial: Duration, retryMaximum: Duration, logger: Logger
    ) {
        self.thing = thing
        self.script = script
        self.registration = registration
        self.client = client
        self.health = health
        self.refresh = refresh
        self.retryInitial = retryInitial
        self.retryMaximum = retryMaximum
        var logger = logger
        logger[metadataKey: "outpost.lsr.thing"] = "\(thing.name)"
        self.logger = logger
    }

    /// Loop state, owned by ``run()``.
    private struct Loop {
        var registered = false
        var nextRegistration: Int64 = 0
        var nextKeepAlive: Int64 = 0
        var nextReRegistration: Int64 = 0
        var nextTasks: Int64
        var forceScan = false
        var backoff: RetryBackoff
    }

    /// Ends the loop after the current iteration (at most one `scanRateResolution` later), as the
    /// original does at shutdown: `p_data.run` turns false for the template, then ``run()`` de-registers.
    public func stop() async {
        stopping.withLockedValue { $0 = true }
        thing.interruptSleeps()
        _ = try? await thing.withState { state throws(LuaError) in
            try state.execute("if thingworx.framework.p_data then thingworx.framework.p_data.run = false end", chunkName: "=shutdown")
        }
    }

    /// Runs until ``stop()`` (then de-registers with RemoveEdgeThing if registered) or cancellation.
    public func run() async {
        let now = Self.now()
        var loop = Loop(nextTasks: now + script.taskRate, backoff: RetryBackoff(initial: retryInitial, maximum: min(retryMaximum, .milliseconds(max(script.keepAliveRate, 1_000)))))
        if !script.register {
            logger.info("EMS registration is disabled for \(thing.name)")
        }
        while !Task.isCancelled && !stopping.withLockedValue({ $0 }) {
            await iteration(&loop)
            do {
                try await Task.sleep(for: .milliseconds(script.scanRateResolution))
            } catch {
                return
            }
        }
        if loop.registered && !Task.isCancelled {
            do {
                try await client.removeEdgeThing(registration.name)
                logger.info("removed \(registration.name) from the EMS")
            } catch {
                logger.warning("could not remove \(registration.name) from the EMS: \(error.message)")
            }
        }
    }

    private func iteration(_ loop: inout Loop) async {
        let now = Self.now()
        // 1. Scan and push.
        do {
            let updates = try await thing.scan(at: now, force: loop.forceScan)
            loop.forceScan = false
            if loop.registered && !updates.isEmpty {
                do {
                    try await client.push(updates, thing: registration.name, batchSize: Int(script.maxConcurrentPropertyUpdates))
                    logger.debug("pushed \(updates.count) properties")
                } catch {
                    health.failed(error)
                    logger.debug("Could not set properties on server: \(error.message)")
                    loop.nextKeepAlive = now
                }
            }
        } catch {
            logger.error("scan of \(thing.name) failed: \(error.message)")
        }
        // 2. Registration and keep-alive.
        if script.register {
            if !loop.registered && now >= loop.nextRegistration {
                await register(&loop, now: now)
            } else if loop.registered && now >= loop.nextKeepAlive {
                await keepAlive(&loop, now: now)
            } else if loop.registered && now >= loop.nextReRegistration {
                await register(&loop, now: now)
            } else if loop.registered && refresh.take(thing.name) {
                await readSubscriptions()
            }
        }
        // 3. Tasks.
        if now >= loop.nextTasks {
            loop.nextTasks = now + script.taskRate
            for (task, failure) in await thing.runTasks().sorted(by: { $0.key < $1.key }) {
                logger.error("task \(task) of \(thing.name) failed: \(failure.message)")
            }
        }
    }

    /// AddEdgeThing, then GetPropertySubscriptions; on success the next scan reads and pushes every
    /// subscribed property.
    private func register(_ loop: inout Loop, now: Int64) async {
        do {
            try await client.checkCertificate()
            try await client.addEdgeThing(registration)
            health.succeeded()
            if !loop.registered { logger.info("Successfully registered \(registration.name) with MicroServer.") }
            loop.registered = true
            loop.backoff.reset()
            loop.nextKeepAlive = now + script.keepAliveRate
            loop.nextReRegistration = now + script.registerRate
            loop.forceScan = true
        } catch {
            health.failed(error)
            loop.registered = false
            let delay = loop.backoff.nextDelay()
            loop.nextRegistration = now + Self.milliseconds(delay)
            logger.debug("registration of \(registration.name) failed (attempt \(loop.backoff.failures)); retrying in \(Self.milliseconds(delay)) ms: \(error.message)")
            return
        }
        await readSubscriptions()
    }

    /// GetPropertySubscriptions, applied to the thing; on failure the current push settings stay.
    private func readSubscriptions() async {
        do {
            let subscriptions = try await client.propertySubscriptions(registration.name)
            let updated = try await thing.applySubscriptions(subscriptions)
            logger.info("GetPropertySubscriptions called for \(registration.name). \(updated) properties updated.")
        } catch let error as EMSClientError {
            // Without the platform's answer the template's push settings stay in force.
            logger.warning("GetPropertySubscriptions for \(registration.name) failed; keeping the template's push settings: \(error.message)")
        } catch {
            logger.error("applying the property subscriptions of \(thing.name) failed: \(error)")
        }
    }

    private func keepAlive(_ loop: inout Loop, now: Int64) async {
        loop.nextKeepAlive = now + script.keepAliveRate
        do {
            try await client.checkCertificate()
            if try await client.hasEdgeThing(registration.name) {
                health.succeeded()
                return
            }
            logger.warning("Not currently registered with EMS. Begin attempting to re-register.")
        } catch {
            health.failed(error)
        }
        loop.registered = false
        loop.nextRegistration = now
    }

    static func now() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
