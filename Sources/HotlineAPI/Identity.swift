import HotlineCore

/// Who is calling, set by `AuthenticationMiddleware` for the duration of one request.
enum RequestIdentity {
    @TaskLocal static var actor: Actor?
    @TaskLocal static var token: String?
    /// The caller's address (behind trusted proxies, the client's), for lockouts that count per caller.
    @TaskLocal static var client: String = "?"

    /// The signed-in actor, or 401.
    static func require() throws -> Actor {
        guard let actor else { throw HotlineError.unauthenticated }
        return actor
    }

    /// The signed-in actor holding one of `roles`, or 401/403.
    static func require(_ roles: Set<Role>, _ what: String) throws -> Actor {
        let actor = try require()
        guard let role = actor.role, roles.contains(role) else {
            throw HotlineError.forbidden("当前角色无权\(what) (your role may not \(what))")
        }
        return actor
    }
}
