import Configuration
import HotlineServer
import HotlineWeb
import Testing

@Suite("Configuration: keys are read and checked")
struct ConfigurationTests {
    @Test("settings come from the reader; defaults pass the check")
    func reads() throws {
        let config = AppConfiguration(reader: AppConfiguration.reader(overrides: [
            "http.port": .int(9000), "search.refreshSeconds": .double(2), "models.retrainAfter": .int(0), "portal.centerId": .int(7),
        ]))
        #expect(config.port == 9000 && config.refreshSeconds == 2 && config.retrainAfter == 0 && config.web.portalCenterId == 7)
        try config.validate()
        try AppConfiguration().validate()
    }

    @Test("a value that would make the server misbehave is refused, naming its key", arguments: [
        ("http.port", ConfigContent.int(70000)), ("search.refreshSeconds", .double(0)), ("models.checkMinutes", .int(0)),
        ("auth.bcryptCost", .int(2)), ("web.idleMinutes", .int(0)), ("scanner.intervalSeconds", .int(-1)),
        ("portal.submissionsPerHour", .int(0)),
    ])
    func refuses(_ key: String, _ value: ConfigContent) throws {
        let config = AppConfiguration(reader: AppConfiguration.reader(overrides: [key: value]))
        let problem = #expect(throws: ConfigurationProblem.self) { try config.validate() }
        #expect(problem?.description.hasPrefix(key) == true)
    }
}
