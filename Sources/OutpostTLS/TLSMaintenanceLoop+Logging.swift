public import Logging

extension TLSMaintenanceLoop.Event {
    /// Writes the event as one log line at the level it deserves: refused material and expired
    /// certificates are errors, near expiry a warning, a successful reload a notice. The EMS, the
    /// script resource and the platform all report their TLS maintenance through this one place.
    public func log(to logger: Logger) {
        switch self {
        case .hangup:
            logger.info("SIGHUP: re-reading TLS material")
        case .reload(let report):
            guard let message = report.message else { return }
            if report.isFailure { logger.error("\(message)") } else { logger.notice("\(message)") }
        case .expiry(let entry, let message):
            if entry.expiry.level.isError { logger.error("\(message)") } else { logger.warning("\(message)") }
        }
    }
}
