import Foundation
import HotlineCore

/// What a classifier predicts.
public enum ModelKind: String, Labelled {
    /// The ticket's category code.
    case category
    /// The main unit to dispatch to.
    case unit

    public var label: String {
        switch self {
        case .category: "诉求分类模型"
        case .unit: "承办单位模型"
        }
    }
}

/// A stored model version and how it measured on held-out tickets.
public struct ModelInfo: Sendable {
    public var id: Int64
    /// The center whose tickets trained it: each center has its own models.
    public var centerId: Int64
    public var kind: ModelKind
    public var version: Int
    public var createdAt: Date
    public var examples: Int
    public var accuracy: Double
    public var macroF1: Double
    public var labels: Int
    public var sizeBytes: Int
    public var active: Bool
    public var note: String?
}

/// A center's model of one kind.
public struct ModelSlot: Sendable, Hashable {
    public var centerId: Int64
    public var kind: ModelKind

    public init(centerId: Int64, kind: ModelKind) {
        self.centerId = centerId
        self.kind = kind
    }
}

/// 分类派单规则: tickets of a category (by code prefix) go to a unit.
public struct RoutingRule: Sendable, Equatable {
    public var id: Int64
    public var categoryPrefix: String
    public var unitId: Int64
    public var note: String?

    public init(id: Int64 = 0, categoryPrefix: String, unitId: Int64, note: String? = nil) {
        self.id = id
        self.categoryPrefix = categoryPrefix
        self.unitId = unitId
        self.note = note
    }
}

/// Classifier versions (train, keep, roll back), the gazetteer and routing rules, and job locks for several nodes.
