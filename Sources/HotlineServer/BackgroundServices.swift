import Configuration

/// Which background services a node runs, each with its own switch. Several nodes on one PostgreSQL may all run
/// them (each piece of work is claimed by one node), or one node may run them for all.
public struct BackgroundServices: Sendable, Equatable {
    /// `services.warmup`: build the knowledge index and the advisor's memory as the server starts.
    public var warmup = true
    /// `services.deadlineScanner`: mark due-soon and overdue tickets and open automatic supervision
    /// (every `scanner.intervalSeconds`; 0 there turns it off too).
    public var deadlineScanner = true
    /// `services.modelTrainer`: retrain the classifiers as tickets close (`models.retrainAfter`; 0 there turns it off too).
    public var modelTrainer = true
    /// `services.outboxRelay`: deliver the outbox to the systems that follow this Hotline.
    public var outboxRelay = true
    /// `services.notifier`: send notices (SMS/WeChat) through the gateway (`notify.*`).
    public var notifier = true
    /// `services.analysis`: raise early warnings and generate the scheduled reports (every `analysis.intervalMinutes`).
    public var analysis = true
    /// `services.upstreamSync`: send this city's tickets to its provincial platform and take what it dispatches (`upstream.*`;
    /// the link itself is set on `/admin/upstream`).
    public var upstreamSync = true
    /// `services.knowledgeSync`: keep the entries of the knowledge bases this center follows (`/kb/sources`).
    public var knowledgeSync = true
    /// `services.auditWatch`: checkpoint the audit chain and verify it in the background (`audit.*`).
    public var auditWatch = true

    public init(warmup: Bool = true, deadlineScanner: Bool = true, modelTrainer: Bool = true, outboxRelay: Bool = true, notifier: Bool = true,
                analysis: Bool = true, upstreamSync: Bool = true, knowledgeSync: Bool = true, auditWatch: Bool = true) {
        self.warmup = warmup
        self.deadlineScanner = deadlineScanner
        self.modelTrainer = modelTrainer
        self.outboxRelay = outboxRelay
        self.notifier = notifier
        self.analysis = analysis
        self.upstreamSync = upstreamSync
        self.knowledgeSync = knowledgeSync
        self.auditWatch = auditWatch
    }

    /// None at all: what in-process tests and benchmarks run with.
    public static let none = BackgroundServices(warmup: false, deadlineScanner: false, modelTrainer: false, outboxRelay: false, notifier: false, analysis: false,
                                                upstreamSync: false, knowledgeSync: false, auditWatch: false)

    /// Reads `services.*`, keeping defaults for what `reader` lacks.
    init(reader: ConfigReader) {
        warmup = reader.bool(forKey: "services.warmup", default: warmup)
        deadlineScanner = reader.bool(forKey: "services.deadlineScanner", default: deadlineScanner)
        modelTrainer = reader.bool(forKey: "services.modelTrainer", default: modelTrainer)
        outboxRelay = reader.bool(forKey: "services.outboxRelay", default: outboxRelay)
        notifier = reader.bool(forKey: "services.notifier", default: notifier)
        analysis = reader.bool(forKey: "services.analysis", default: analysis)
        upstreamSync = reader.bool(forKey: "services.upstreamSync", default: upstreamSync)
        knowledgeSync = reader.bool(forKey: "services.knowledgeSync", default: knowledgeSync)
        auditWatch = reader.bool(forKey: "services.auditWatch", default: auditWatch)
    }
}
