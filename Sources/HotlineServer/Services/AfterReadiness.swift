import ServiceLifecycle

/// Runs `service` once `gate` opens; a server that stops before then never starts it.
struct AfterReadiness<Wrapped: Service>: Service {
    let gate: ReadinessGate
    let service: Wrapped

    func run() async throws {
        await cancelWhenGracefulShutdown { await gate.wait() }
        guard !Task.isCancelled, !Task.isShuttingDownGracefully else { return }
        try await service.run()
    }
}
