/// The durable outbox module. Its types arrive with the outbox issue (#7); this file only names the module.
enum OutboxModule {}
