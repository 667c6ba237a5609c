import HotlineCore

/// Who is calling, set by `AuthenticationMiddleware` for the duration of one request.
public enum RequestIdentity {
    @TaskLocal public static var actor: Actor?
    @TaskLocal public static var token: String?
    /// The caller's address (behind trusted proxies, the client's), for lockouts that count per caller.
    @TaskLocal public static var client: String = "?"

    /// The signed-in actor, or 401.
    public static func require() throws -> Actor {
        guard let actor else { throw HotlineError.unauthenticated }
        return actor
    }

    /// The signed-in actor holding `permission`, or 401/403.
    public static func require(_ permission: Permission) throws -> Actor {
        try require().require(permission)
    }
}
