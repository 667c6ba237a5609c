/// Every machine code an error may carry (the API's `error.code`), each with the kind that decides its HTTP status.
public enum ErrorCode: String, CaseIterable, Sendable, Codable {
    // 400
    case invalidRequest = "invalid_request"
    case unknownAction = "unknown_action"
    case tooLarge = "too_large"
    case unknownDiversionItem = "unknown_diversion_item"
    case weakPassword = "weak_password"
    case reusedPassword = "reused_password"
    // 401
    case unauthenticated
    case badCredentials = "bad_credentials"
    case invalidToken = "invalid_token"
    case otpRequired = "otp_required"
    case badOTP = "bad_otp"
    case apiKeyOnly = "api_key_only"
    // 403
    case forbidden
    case passwordChangeRequired = "password_change_required"
    case secondFactorRequired = "second_factor_required"
    // 404
    case notFound = "not_found"
    // 409
    case invalidState = "invalid_state"
    case concurrentUpdate = "concurrent_update"
    case alreadyMarked = "already_marked"
    case alreadyDifficult = "already_difficult"
    case extensionPending = "extension_pending"
    case noExtensionPending = "no_extension_pending"
    case duplicateRule = "duplicate_rule"
    case trainingInProgress = "training_in_progress"
    case usernameTaken = "username_taken"
    case duplicateReference = "duplicate_reference"
    case alreadyAnswered = "already_answered"
    case readOnlyCopy = "read_only_copy"
    case sharedEntry = "shared_entry"
    // 422
    case unknownUnit = "unknown_unit"
    case unknownPlace = "unknown_place"
    case unknownCenter = "unknown_center"
    case unknownCategory = "unknown_category"
    case invalidUnit = "invalid_unit"
    case invalidMerge = "invalid_merge"
    case roleUnitMismatch = "role_unit_mismatch"
    case uploadsDisabled = "uploads_disabled"
    case notIntegration = "not_integration"
    case noCenter = "no_center"
    case idempotencyKeyReused = "idempotency_key_reused"
    case notLinked = "not_linked"
    // 413
    case bodyTooLarge = "body_too_large"
    // 429
    case tooManyAttempts = "too_many_attempts"
    // 500
    case internalError = "internal_error"
    case insertFailed = "insert_failed"
    case corruptRow = "corrupt_row"
    case noEvents = "no_events"
    case missingResource = "missing_resource"
    case kbHeadMissing = "kb_head_missing"
    case auditHeadMissing = "audit_head_missing"
    case encryptionFailed = "encryption_failed"
    case decryptionFailed = "decryption_failed"
    case counterFailed = "counter_failed"
    case batchFailed = "batch_failed"
    case badKey = "bad_key"

    /// The kind of failure, which decides the HTTP status.
    public var kind: HotlineError.Kind {
        switch self {
        case .invalidRequest, .unknownAction, .tooLarge, .unknownDiversionItem, .weakPassword, .reusedPassword: .invalid
        case .unauthenticated, .badCredentials, .invalidToken, .otpRequired, .badOTP, .apiKeyOnly: .unauthenticated
        case .forbidden, .passwordChangeRequired, .secondFactorRequired: .forbidden
        case .notFound: .notFound
        case .invalidState, .concurrentUpdate, .alreadyMarked, .alreadyDifficult, .extensionPending, .noExtensionPending, .duplicateRule,
            .trainingInProgress, .usernameTaken, .duplicateReference, .alreadyAnswered, .readOnlyCopy, .sharedEntry:
            .conflict
        case .unknownUnit, .unknownPlace, .unknownCenter, .unknownCategory, .invalidUnit, .invalidMerge, .roleUnitMismatch, .uploadsDisabled,
            .notIntegration, .noCenter, .idempotencyKeyReused, .notLinked:
            .unprocessable
        case .bodyTooLarge: .tooLarge
        case .tooManyAttempts: .rateLimited
        case .internalError, .insertFailed, .corruptRow, .noEvents, .missingResource, .kbHeadMissing, .auditHeadMissing, .encryptionFailed,
            .decryptionFailed, .counterFailed, .batchFailed, .badKey:
            .internalFailure
        }
    }
}
