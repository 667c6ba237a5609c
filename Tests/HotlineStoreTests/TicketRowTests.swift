import Foundation
import HotlineCore
import HotlineTestSupport
import SQLKit
import Testing

@testable import HotlineStore

@Suite("The tickets table, column for column")
struct TicketRowTests {
    /// A row with every field set to something other than its default, so a field that is not written or not read back
    /// shows as a difference.
    static func everyField(center: Int64, units: [Int64]) -> TicketRow {
        var state = TicketState(id: 0, centerId: center, status: .returnRequested, type: .report, urgency: .urgent, channel: .police110,
                                categoryCode: "housing.property", difficult: true)
        state.resumeStatus = .inProgress
        state.returnRequestedBy = units[1]
        state.mainUnitId = units[0]
        state.handlingUnitId = units[1]
        state.coUnitIds = [units[2], units[3]]
        state.responsibleUnitIds = [units[0], units[1]]
        state.returnedUnitIds = [units[3]]
        state.dispatchedAt = Date(millis: 1_790_000_000_001)
        state.signedAt = Date(millis: 1_790_000_000_002)
        state.signDueAt = Date(millis: 1_790_000_000_003)
        state.replyDueAt = Date(millis: 1_790_000_000_004)
        state.dueSoonAt = Date(millis: 1_790_000_000_005)
        state.dueSoonMarked = true
        state.overdueMarked = true
        state.signOverdueMarked = true
        state.returnCount = 2
        state.extensionCount = 3
        state.redoCount = 4
        state.sendBackCount = 5
        state.supervisionCount = 6
        state.pendingExtensionDays = 7
        state.escalated = true
        state.unreasonableRepeat = true
        state.sentBack = true
        state.mergedIntoId = 99
        state.answer = "知识库答复"
        state.reply = "已处理"
        state.repliedAt = Date(millis: 1_790_000_000_006)
        state.satisfaction = .basicallySatisfied
        state.resolved = false
        state.evaluationReasonable = true
        state.evaluationComment = "态度好"
        state.rejectReason = .litigation
        state.closedAt = Date(millis: 1_790_000_000_007)
        return TicketRow(
            state: state, number: "20261203000042", queryCodeEnc: "code-enc", title: "标题", content: "内容", address: "东湖路1号",
            regionCode: "360102", latitude: 28.68, longitude: 115.89, requesterKind: RequesterKind.enterprise.rawValue,
            requesterNameEnc: "name-enc", requesterPhoneEnc: "phone-enc", requesterPhoneHash: "phone-hash", requesterIdEnc: "id-enc",
            enterpriseName: "某某公司", creditCode: "91360100MA35XXXX0X", confidential: true, attachments: #"[{"name":"a.jpg"}]"#,
            createdBy: 7, createdAt: 1_790_000_000_008, updatedAt: 1_790_000_000_009, version: 11)
    }

    @Test("every field written is read back unchanged, by insert and by update", arguments: Backend.available)
    func roundTrip(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { test in
            let city = try await TestCity.make(test.store)
            let units = [city.housing.id, city.section.id, city.transport.id, city.district.id]
            let written = Self.everyField(center: city.center.id, units: units)
            let read = try await test.database.transaction { db -> TicketRow? in
                let id = try await db.insert(into: "tickets").columns(TicketRow.columns).values(written.values).returning("id").first()?
                    .decode(column: "id", as: Int64.self)
                return try await test.store.ticketRow(try #require(id), db)
            }
            var expected = written
            expected.id = try #require(read?.id)
            #expect(read == expected)

            // The update path binds the same table: every field changed comes back changed.
            var changed = Self.everyField(center: city.center.id, units: units.reversed())
            changed.id = expected.id
            changed.number = "20261203000043"
            changed.state.status = .closed
            changed.state.satisfaction = nil
            changed.state.closedAt = nil
            let expectedUpdate = changed
            let updated = try await test.database.transaction { db -> TicketRow? in
                var update = db.update("tickets")
                for (column, value) in zip(TicketRow.columns, expectedUpdate.values) { update = update.set(SQLIdentifier(column), to: value) }
                try await update.where("id", .equal, expectedUpdate.id).run()
                return try await test.store.ticketRow(expectedUpdate.id, db)
            }
            #expect(updated == expectedUpdate)
        }
    }

    @Test("the table names every column of tickets, each once", arguments: Backend.available)
    func everyColumn(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { test in
            let city = try await TestCity.make(test.store)
            _ = try await test.store.createTicket(TestCity.draft(), centerId: city.center.id, by: city.agent)
            let columns = try await test.database.read { db in
                try await db.raw("SELECT * FROM tickets").first().map { $0.allColumns } ?? []
            }
            let named = TicketRow.table.map(\.name)
            #expect(Set(named).count == named.count)
            #expect(Set(named) == Set(columns))
        }
    }

    @Test("a stored code the vocabulary does not know is a corrupt row naming its column", arguments: Backend.available)
    func corruptCode(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { test in
            let city = try await TestCity.make(test.store)
            let created = try await test.store.createTicket(TestCity.draft(), centerId: city.center.id, by: city.agent)
            let id = created.ticket.state.id
            let error = await #expect(throws: HotlineError.self) {
                try await test.database.transaction { db -> TicketRow? in
                    try await db.raw("UPDATE tickets SET status = 'lost' WHERE id = \(bind: id)").run()
                    return try await test.store.ticketRow(id, db)
                }
            }
            #expect(error?.code == .corruptRow)
            #expect(error?.message.contains("status") == true)
        }
    }
}
