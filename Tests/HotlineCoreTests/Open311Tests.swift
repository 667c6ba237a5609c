import Foundation
import HotlineCore
import Testing

@Suite("Open311 GeoReport v2: services, requests, filters and errors in JSON and XML")
struct Open311Tests {
    let now = Date(timeIntervalSince1970: 1_796_342_400)  // 2026-12-04T08:00:00+08:00

    let tree = [
        CategoryNode(code: "01", name: "城乡建设", level: 1, parentCode: nil),
        CategoryNode(code: "0101", name: "市政设施", level: 2, parentCode: "01"),
        CategoryNode(code: "010101", name: "路灯", level: 3, parentCode: "0101"),
        CategoryNode(code: "010102", name: "井盖", level: 3, parentCode: "0101", description: "井盖缺失、破损"),
        CategoryNode(code: "02", name: "咨询", level: 1, parentCode: nil),
    ]

    @Test("services are the leaves of the category tree, grouped by their top branch")
    func services() {
        let services = Open311.services(from: tree)
        #expect(services.map(\.code) == ["010101", "010102", "02"])
        #expect(services[0].group == "城乡建设" && services[0].description == "城乡建设 > 市政设施 > 路灯")
        #expect(services[0].keywords == ["城乡建设", "市政设施"])
        #expect(services[1].description == "井盖缺失、破损")
        #expect(services[2].group == "咨询" && services[2].keywords.isEmpty)
        let json = Open311.servicesDocument(Array(services.prefix(1))).rendered(.json)
        #expect(json == #"[{"service_code":"010101","service_name":"路灯","description":"城乡建设 > 市政设施 > 路灯","metadata":false,"type":"realtime","keywords":"城乡建设,市政设施","group":"城乡建设"}]"#)
        let xml = Open311.servicesDocument(Array(services.prefix(1))).rendered(.xml)
        #expect(xml.hasPrefix(#"<?xml version="1.0" encoding="utf-8"?><services><service><service_code>010101</service_code>"#))
        #expect(xml.contains("<description>城乡建设 &gt; 市政设施 &gt; 路灯</description><metadata>false</metadata>"))
        #expect(Open311.definitionDocument(services[0]).rendered(.xml).hasSuffix("<service_definition><service_code>010101</service_code><attributes></attributes></service_definition>"))
        #expect(Open311.definitionDocument(services[0]).rendered(.json) == #"{"service_code":"010101","attributes":[]}"#)
    }

    @Test("a request's public view masks numbers written into it and names no person")
    func publicView() {
        let request = Open311.PublicRequest(
            id: "20261204000012", closed: false, statusNotes: "待甄别", serviceCode: "010101", serviceName: "路灯",
            description: "路灯坏了，联系我13812345678，身份证11010519491231002X", agency: nil, requestedAt: now, updatedAt: now,
            expectedAt: nil, address: "幸福路1号 电话 02887654321", latitude: 30.5, longitude: 104.25, mediaURL: "javascript:alert(1)")
        #expect(request.description == "路灯坏了，联系我138****5678，身份证110***********002X")
        #expect(request.address == "幸福路1号 电话 028****4321")
        #expect(request.mediaURL == nil)
        #expect(Masking.freeText("座机88886666，手机138 1234 5678，１３９１２３４５６７８，邮箱wang.ming@example.cn") ==
                "座机88****66，手机138****5678，１３９****５６７８，邮箱***@example.cn")
        #expect(Masking.freeText("3号楼502室，2026年12月") == "3号楼502室，2026年12月")
        let json = Open311.requestsDocument([request]).rendered(.json)
        #expect(json.contains(#""status":"open""#) && json.contains(#""lat":30.5,"long":104.25"#))
        #expect(json.contains(#""requested_datetime":"2026-12-04T08:00:00+08:00""#))
        #expect(json.contains(#""expected_datetime":null"#) && !json.contains("13812345678"))
        let xml = Open311.requestsDocument([request]).rendered(.xml)
        #expect(xml.contains("<service_requests><request><service_request_id>20261204000012</service_request_id><status>open</status>"))
        #expect(xml.contains("<agency_responsible/>") && xml.contains("<lat>30.5</lat>"))
        #expect(Open311.isClosed(.closed) && Open311.isClosed(.rejected) && !Open311.isClosed(.pendingCallback))
    }

    @Test("errors are the spec's list, with the status as the code")
    func errors() {
        let failure = Open311.Failure.badRequest("缺少description <&>")
        #expect(Open311.errorsDocument(failure).rendered(.json) == #"[{"code":400,"description":"缺少description <&>"}]"#)
        #expect(Open311.errorsDocument(failure).rendered(.xml).hasSuffix("<errors><error><code>400</code><description>缺少description &lt;&amp;&gt;</description></error></errors>"))
        #expect(Open311.Format.split("services.json")! == ("services", .json))
        #expect(Open311.Format.split("requests/1.XML")?.format == .xml)
        #expect(Open311.Format.split("services") == nil && Open311.Format.split("services.csv") == nil)
    }

    @Test("a submission needs a service, a place and a description; bad coordinates and addresses are 400s")
    func submissions() throws {
        let fields = ["service_code": "010101", "lat": "30.65", "long": "104.06", "description": "  路灯不亮  ", "first_name": "明",
                      "last_name": "王", "phone": "138 1234 5678", "media_url": "https://img.example.cn/1.jpg"]
        let submission = try Open311.Submission.parse(fields)
        #expect(submission.name == "王明" && submission.description == "路灯不亮" && submission.latitude == 30.65)
        let draft = submission.draft(serviceName: "路灯")
        #expect(draft.channel == .open311 && draft.categoryCode == "010101" && draft.title == "路灯：路灯不亮")
        #expect(draft.requester.phone == "138 1234 5678" && draft.attachments.first?.url == "https://img.example.cn/1.jpg")
        #expect(try Open311.Submission.parse(["service_code": "02", "address_string": "幸福路", "description": "问"]).latitude == nil)
        func failure(_ change: [String: String?]) -> Open311.Failure? {
            var form = fields
            for (key, value) in change { form[key] = value }
            do { _ = try Open311.Submission.parse(form); return nil } catch { return error }
        }
        #expect(failure(["service_code": nil])?.status == 400)
        #expect(failure(["description": " "])?.status == 400)
        #expect(failure(["lat": nil, "long": nil])?.status == 400)
        #expect(failure(["long": nil])?.status == 400)
        #expect(failure(["lat": "91"])?.status == 400)
        #expect(failure(["lat": "nan"])?.status == 400)
        #expect(failure(["media_url": "javascript:alert(1)"])?.status == 400)
        #expect(failure(["phone": "call me"])?.status == 400)
        #expect(failure(["description": String(repeating: "长", count: 4001)])?.status == 400)
    }

    @Test("the list's filters: ids override, dates default to the last 90 days and may not span more")
    func queries() throws {
        let plain = try Open311.Query.parse([:], now: now)
        #expect(plain.to == now && plain.from == now.addingTimeInterval(-90 * 86_400) && plain.closed == nil)
        let ids = try Open311.Query.parse(["service_request_id": "1, 2", "status": "bogus"], now: now)
        #expect(ids.ids == ["1", "2"])
        let filtered = try Open311.Query.parse(["start_date": "2026-11-01T00:00:00Z", "end_date": "2026-11-30T00:00:00+08:00",
                                                "status": "closed", "service_code": "010101,02"], now: now)
        #expect(filtered.closed == true && filtered.serviceCodes == ["010101", "02"])
        #expect(filtered.from == Date(timeIntervalSince1970: 1_793_491_200))
        #expect(try Open311.Query.parse(["status": "open,closed"], now: now).closed == nil)
        let start = try Open311.Query.parse(["start_date": "2026-10-01T00:00:00.000Z"], now: now)
        #expect(start.to == start.from.addingTimeInterval(90 * 86_400))
        func status(_ fields: [String: String]) -> Int? {
            do { _ = try Open311.Query.parse(fields, now: now); return nil } catch { return error.status }
        }
        #expect(status(["start_date": "2026-01-01T00:00:00Z", "end_date": "2026-12-01T00:00:00Z"]) == 400)
        #expect(status(["start_date": "2026-12-01T00:00:00Z", "end_date": "2026-11-01T00:00:00Z"]) == 400)
        #expect(status(["start_date": "yesterday"]) == 400)
        #expect(status(["status": "pending"]) == 400)
    }

    @Test("the discovery document names the v2 endpoint and both formats")
    func discovery() {
        let json = Open311.discoveryDocument(endpoint: "https://12345.example.gov.cn/open311/v2/", contact: "12345", changeset: now).rendered(.json)
        #expect(json.contains(#""url":"https://12345.example.gov.cn/open311/v2/""#))
        #expect(json.contains(#""formats":["application/json","text/xml"]"#))
        let xml = Open311.discoveryDocument(endpoint: "https://x/open311/v2/", contact: "12345", changeset: now).rendered(.xml)
        #expect(xml.contains("<formats><format>application/json</format><format>text/xml</format></formats>"))
    }
}
