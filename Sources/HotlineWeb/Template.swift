/// Every template in `Templates/`, named by its path without `.mustache`; the server does not start unless each is there and parses.
enum Template: String, CaseIterable, Sendable {
    case layout
    case error
    case login
    case console
    case caller
    case suggest
    case screening
    case inbox
    case duplicates
    case tickets
    case ticket
    case ticketTable = "ticket-table"
    case audit
    case accountPassword = "account/password"
    case accountSecurity = "account/security"
    case adminSignIns = "admin/sign-ins"
    case assessmentRanking = "assessment/ranking"
    case assessmentDrill = "assessment/drill"
    case assessmentUnit = "assessment/unit"
    case assessmentAppeals = "assessment/appeals"
    case assessmentScheme = "assessment/scheme"
    case dashboard = "analysis/dashboard"
    case analysisVolumes = "analysis/volumes"
    case analysisHotspots = "analysis/hotspots"
    case analysisWarnings = "analysis/warnings"
    case analysisReports = "analysis/reports"
    case analysisReport = "analysis/report"
    case hotspotList = "analysis/hotspot-list"
    case warningList = "analysis/warning-list"
    case adminUnits = "admin/units"
    case adminUsers = "admin/users"
    case adminCategories = "admin/categories"
    case adminSLA = "admin/sla"
    case adminCalendar = "admin/calendar"
    case adminPlaces = "admin/places"
    case adminRouting = "admin/routing"
    case adminModels = "admin/models"
    case adminKeys = "admin/keys"
    case adminSubscriptions = "admin/subscriptions"
    case adminDeliveries = "admin/deliveries"
    case adminPolice = "admin/police110"
    case adminNotices = "admin/notices"
    case adminUpstream = "admin/upstream"
    case federationQuality = "analysis/federation"
    case policeReport = "analysis/police110"
    case knowledgeHome = "kb/home"
    case knowledgeEntry = "kb/entry"
    case knowledgeEdit = "kb/edit"
    case knowledgeReports = "kb/reports"
    case knowledgeSynonyms = "kb/synonyms"
    case knowledgeSharing = "kb/sharing"
    case portalHome = "portal/home"
    case portalSubmit = "portal/submit"
    case portalQuick = "portal/quick"
    case portalSubmitted = "portal/submitted"
    case portalTrack = "portal/track"
    case portalStatus = "portal/status"
    case portalKnowledge = "portal/kb"
    case portalSuggest = "portal/suggest"
    case portalStats = "portal/stats"
}
