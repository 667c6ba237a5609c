import Foundation

/// How passwords, sign-ins and the second factor are ruled (等保 2.0 三级: identification and authentication).
public struct AccountPolicy: Sendable, Equatable {
    /// `auth.passwordMinLength`: at least this many characters.
    public var minimumLength = 8
    /// `auth.passwordClasses`: of lower-case, upper-case, digits and other characters, at least this many kinds.
    public var requiredClasses = 3
    /// `auth.passwordMaxAgeDays`: a password older than this must be changed at the next sign-in (0: never).
    public var maxAgeDays = 0
    /// `auth.passwordHistory`: a new password may not be any of the account's last this many.
    public var historyCount = 5
    /// `auth.requireTOTP`: roles that must sign in with a second factor (TOTP); none by default.
    public var totpRoles: Set<Role> = []
    /// Sign-in throttling.
    public var throttle = SignInThrottle()

    public init() {}

    /// The longest password accepted (it is pre-hashed, so bcrypt's 72-byte limit does not cut it short).
    public static let maximumLength = 128

    /// What is wrong with `password` for `username`, as one message (nil when it is acceptable).
    public func problem(password: String, username: String) -> String? {
        if password.count < minimumLength || password.count > Self.maximumLength {
            return "密码长度须为\(minimumLength)到\(Self.maximumLength)位 (\(minimumLength)–\(Self.maximumLength) characters)"
        }
        var classes = 0
        if password.contains(where: { $0.isLowercase && $0.isASCII }) { classes += 1 }
        if password.contains(where: { $0.isUppercase && $0.isASCII }) { classes += 1 }
        if password.contains(where: { $0.isASCII && $0.isNumber }) { classes += 1 }
        if password.contains(where: { !($0.isASCII && ($0.isLetter || $0.isNumber)) }) { classes += 1 }
        if classes < requiredClasses {
            return "密码须包含大写字母、小写字母、数字、符号中的至少\(requiredClasses)类 (at least \(requiredClasses) of upper case, lower case, digits, symbols)"
        }
        let lowered = password.lowercased()
        let name = username.lowercased()
        if name.count >= 3 && (lowered.contains(name) || lowered.contains(String(name.reversed()))) {
            return "密码不能包含用户名 (the password must not contain the username)"
        }
        if Self.isCommon(lowered) {
            return "该密码过于常见，容易被猜中 (this password is among the commonest)"
        }
        return nil
    }

    /// Whether a lower-cased password is one of the commonest, or one of them with a year or `!` added.
    static func isCommon(_ lowered: String) -> Bool {
        if commonPasswords.contains(lowered) { return true }
        var stem = lowered
        while let last = stem.last, last.isNumber || "!@#.*_-".contains(last) { stem.removeLast() }
        return stem != lowered && stem.count >= 4 && commonStems.contains(stem)
    }

    /// Words the commonest passwords are made of, with digits and a symbol appended.
    static let commonStems: Set<String> = [
        "password", "passw0rd", "p@ssw0rd", "p@ssword", "pass", "admin", "administrator", "root", "qwerty", "qwertyuiop", "asdf", "asdfgh",
        "zxcv", "zxcvbn", "abc", "abcd", "abcde", "abcdef", "aa", "aaa", "welcome", "letmein", "iloveyou", "woaini", "monkey", "dragon",
        "master", "sunshine", "shadow", "football", "baseball", "superman", "trustno1", "hello", "test", "guest", "user", "china",
        "beijing", "shanghai", "12345", "zhangsan", "lisi", "wangwu", "changeme", "default", "system", "manager", "love",
        "1qaz", "1qaz2wsx", "1q2w3e", "1q2w3e4r", "q1w2e3r4", "qazwsx", "zaq1", "zaq12wsx", "aini", "woaini1314", "huawei", "server",
    ]

    /// The commonest passwords (lower-cased) that pass the length and class rules.
    static let commonPasswords: Set<String> = [
        "password1!", "password123!", "password@123", "p@ssw0rd", "p@ssw0rd1", "p@ssw0rd123", "passw0rd!", "admin@123", "admin123!",
        "admin@1234", "admin#123", "abc@123", "abc@1234", "abc123!@#", "aa123456!", "aa123456.", "qwer1234!", "qwer@1234", "1qaz@wsx",
        "1qaz!qaz", "1qaz2wsx!", "1qaz@wsx3edc", "zaq1@wsx", "q1w2e3r4!", "welcome1!", "welcome@123", "root@123", "test@123",
        "hotline@123", "hotline-2025", "china@123", "changeme1!", "qwe123!@#", "123qwe!@#", "a1b2c3d4!", "iloveyou1!", "woaini1314!",
        "asdf1234!", "asd123!@#", "12345678a!", "123456aa!", "a123456!", "a12345678!", "huawei@123", "huawei123!", "server@123",
    ]
}

/// Sign-in throttling by client address and by name at that client, with growing delays: a client that keeps
/// failing waits longer and longer, while the same account signs in from any client that has not failed.
public struct SignInThrottle: Sendable, Equatable {
    /// Failures of one name at one client before delays start.
    public var freePerName = 5
    /// Failures from one client (any names) before delays start: an office's shared address gets room.
    public var freePerClient = 20
    /// The longest delay, and how long a quiet client's failures are remembered.
    public var maximumDelay: TimeInterval = 15 * 60
    public var memory: TimeInterval = 15 * 60

    public init() {}

    /// The wait after `failures` failures when `free` of them come without one: 1 s, 2 s, 4 s… up to the maximum.
    public func delay(afterFailures failures: Int, free: Int) -> TimeInterval {
        guard failures >= free else { return 0 }
        let exponent = min(failures - free, 20)
        return min(pow(2, Double(exponent)), maximumDelay)
    }
}

/// What a browser session must do before it may do anything else.
public enum SessionRestriction: String, Sendable, Codable {
    /// An administrator set the password, or it expired.
    case changePassword
    /// The account's role must sign in with a second factor, and it has none yet.
    case enrollSecondFactor
}

/// How one sign-in attempt ended, as the sign-in history keeps it.
public enum SignInResult: String, Labelled {
    case success, badPassword, badOTP, otpRequired, throttled, disabled, apiKeyOnly, restricted

    public var label: String {
        switch self {
        case .success: "登录成功"
        case .badPassword: "用户名或密码错误"
        case .badOTP: "动态口令错误"
        case .otpRequired: "待输入动态口令"
        case .throttled: "失败过多被限制"
        case .disabled: "账号已停用"
        case .apiKeyOnly: "对接账号须用密钥"
        case .restricted: "须先修改密码或启用动态口令"
        }
    }

    public var englishLabel: String {
        switch self {
        case .success: "Signed in"
        case .badPassword: "Wrong name or password"
        case .badOTP: "Wrong code"
        case .otpRequired: "Code asked for"
        case .throttled: "Throttled"
        case .disabled: "Account disabled"
        case .apiKeyOnly: "Integration account (key only)"
        case .restricted: "Must change password or enrol"
        }
    }

    /// Whether the attempt failed.
    public var failed: Bool { self != .success && self != .otpRequired }
}
