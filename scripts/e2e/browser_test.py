#!/usr/bin/env python3
"""End-to-end test in a real headless browser (Debian's chromium, driven by Selenium).

Walks one ticket through its whole life the way people do it:
citizen portal → agent screening, acceptance and dispatch → unit sign and reply →
center review, callback and close → the citizen sees the closed result.
Starts its own Hotline server on a fresh SQLite file with the demo city, saves a screenshot of
each step under screenshots/e2e/ (git-ignored) and, with --docs, copies the main screens to docs/.

Every step that loads a page (get(), a click that submits a form or follows a link) waits explicitly for the
new page: the old document's <html> element goes stale, then an element unique to the new page is present
(and, where it says, the URL changes) — never a sleep, so nothing is read from the page being left.

Usage: scripts/e2e/browser_test.py [--binary .build/debug/hotline] [--docs]
"""
import argparse, json, os, shutil, socket, subprocess, sys, tempfile, time, base64, urllib.parse, urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, TimeoutException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait
from selenium.webdriver.support import expected_conditions as EC

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PASSWORD = "Hotline-2026"
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")
DOCS = {"01-portal-submit": "portal-submit", "03-portal-submitted": "portal-submitted", "05-agent-console": "agent-console",
        "05b-knowledge-search": "knowledge-search", "17-center-duplicates": "center-duplicates",
        "07-agent-dispatch": "ticket-dispatch", "08-unit-workbench": "unit-workbench", "10-unit-reply": "unit-reply",
        "11-center-desk": "center-desk", "14-citizen-closed": "citizen-closed", "15-admin-calendar": "admin-calendar",
        "16-portal-mobile": "portal-mobile", "18-portal-faq-mobile": "portal-faq-mobile", "19-assessment-ranking": "assessment-ranking",
        "21-leader-dashboard": "leader-dashboard", "22-analysis-volumes": "analysis-volumes", "23-hotspots": "hotspots", "23b-hotspot-group-matter": "hotspot-group-matter",
        "24-monthly-report": "monthly-report", "25-admin-subscriptions": "admin-subscriptions", "26-admin-police110": "admin-police110",
        "27-ticket-police110": "ticket-police110", "28-police-report": "police-report", "29-console-call-pop": "console-call-pop",
        "30-admin-upstream": "admin-upstream", "31-kb-sharing": "kb-sharing", "32-account-enrol": "account-enrol",
        "34-admin-sign-ins": "admin-sign-ins", "35-audit": "audit"}


def totp(secret, step=0):
    """RFC 6238 (HMAC-SHA1, 30 s, 6 digits) of a base32 secret, `step` steps after now: what an authenticator app shows."""
    import base64, hashlib, hmac, struct
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = int(time.time() // 30) + step
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return str((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000).zfill(6)


class Run:
    def __init__(self, binary, out):
        self.binary, self.out, self.step = binary, out, 0
        self.tmp = tempfile.mkdtemp(prefix="hotline-e2e-")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.server = None
        self.driver = None

    def hotline(self, *args, **kw):
        env = dict(os.environ, DB_URL=os.path.join(self.tmp, "hotline.sqlite"), CRYPTO_KEY_FILE=os.path.join(self.tmp, "hotline.key"),
                   FILES_DIRECTORY=os.path.join(self.tmp, "files"), SCANNER_INTERVAL_SECONDS="0",
                   CRYPTO_AUDIT_KEY_FILE=os.path.join(self.tmp, "audit.keys"), AUDIT_CHECKPOINT_FILE=os.path.join(self.tmp, "checkpoints.log"))
        return subprocess.run([self.binary, *args], env=env, check=True, capture_output=True, text=True, **kw)

    def start(self):
        self.hotline("seed", "demo", "--tickets", "300")
        env = dict(os.environ, DB_URL=os.path.join(self.tmp, "hotline.sqlite"), CRYPTO_KEY_FILE=os.path.join(self.tmp, "hotline.key"),
                   FILES_DIRECTORY=os.path.join(self.tmp, "files"), SCANNER_INTERVAL_SECONDS="0",
                   CRYPTO_AUDIT_KEY_FILE=os.path.join(self.tmp, "audit.keys"), AUDIT_CHECKPOINT_FILE=os.path.join(self.tmp, "checkpoints.log"))
        self.server = subprocess.Popen([self.binary, "serve", "--port", str(self.port)], env=env,
                                       stdout=open(os.path.join(self.tmp, "server.log"), "w"), stderr=subprocess.STDOUT)
        for _ in range(100):
            try:
                urllib.request.urlopen(self.base + "/health", timeout=1)
                break
            except Exception:
                time.sleep(0.2)
        else:
            raise SystemExit("server did not start: " + open(os.path.join(self.tmp, "server.log")).read()[-2000:])
        options = Options()
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900", "--lang=zh-CN"]:
            options.add_argument(arg)
        self.driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
        self.driver.implicitly_wait(3)

    def stop(self):
        if self.driver:
            self.driver.quit()
        if self.server:
            self.server.terminate()
            self.server.wait(timeout=10)
        shutil.rmtree(self.tmp, ignore_errors=True)

    # helpers
    def navigate(self, trigger, css, url=None, timeout=15):
        """Runs `trigger` (a click or a get) and waits until its new page has replaced the current one: the current
        document's <html> goes stale, the URL satisfies `url` (a substring, or a predicate on it) when given, an
        element matching `css` (unique to the new page) is present and the document has finished loading."""
        d = self.driver
        old = d.find_element(By.TAG_NAME, "html")
        trigger()
        wait = WebDriverWait(d, timeout)
        try:
            wait.until(left(old))
            if url is not None:
                wait.until(url if callable(url) else EC.url_contains(url))
            wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))
            wait.until(lambda driver: driver.execute_script("return document.readyState") == "complete")
        except TimeoutException:
            try:
                self.shot("failure")
                page = self.text()[:1500]
            except WebDriverException as error:
                page = f"(unreadable: {error.__class__.__name__})"
            raise AssertionError(f"the page after this step did not load within {timeout} s (expected {css!r}"
                                 + (f" and URL {url!r}" if url is not None and not callable(url) else "")
                                 + f"); now at {d.current_url}\n--- page ---\n" + page) from None

    def go(self, path, css):
        self.navigate(lambda: self.driver.get(self.base + path), css)

    def click(self, element, css, url=None):
        self.navigate(element.click, css, url)

    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def text(self):
        return self.find("body").text

    def shot(self, name):
        self.step += 1
        path = os.path.join(self.out, f"{name}.png")
        height = self.driver.execute_script("return Math.min(document.body.scrollHeight, 2400)")
        width = self.driver.get_window_size()["width"]
        self.driver.set_window_size(width, max(height, 600))
        self.driver.save_screenshot(path)
        self.driver.set_window_size(width, 900)
        print(f"  screenshot {path}")

    def expect(self, condition, message):
        if not condition:
            self.shot("failure")
            raise AssertionError(message + "\n--- page ---\n" + self.text()[:1500])

    def login(self, username, lands, css):
        """Signs in and waits for the landing page `lands` (a path) showing `css` and the signed-in header."""
        self.driver.delete_all_cookies()
        self.go("/login", 'form[action="/login"]')
        self.find('input[name="username"]').send_keys(username)
        self.find('input[name="password"]').send_keys(PASSWORD)
        self.click(self.find('form[action="/login"] button[type="submit"]'), css,
                   lambda d: urllib.parse.urlsplit(d.current_url).path == lands)
        self.expect(self.driver.find_elements(By.CSS_SELECTOR, 'header form[action="/logout"]'), f"{username} should be signed in")

    def download(self, path):
        """GET `path` with the browser's session cookie; the body's bytes."""
        cookie = "; ".join(f"{c['name']}={c['value']}" for c in self.driver.get_cookies())
        request = urllib.request.Request(self.base + path, headers={"Cookie": cookie})
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.read()

    def act(self, action, fields=None, button=None):
        form = self.find(f'form[action$="/act"] input[name="action"][value="{action}"]').find_element(By.XPATH, "./ancestor::form")
        for name, value in (fields or {}).items():
            element = form.find_element(By.CSS_SELECTOR, f'[name="{name}"]')
            if element.tag_name == "select":
                Select(element).select_by_value(value)
            elif element.get_attribute("type") in ("radio", "checkbox"):
                form.find_element(By.CSS_SELECTOR, f'[name="{name}"][value="{value}"]').click()
            else:
                element.send_keys(value)
        self.click(form.find_element(By.CSS_SELECTOR, button) if button else form.find_element(By.CSS_SELECTOR, 'button[type="submit"]'),
                   TICKET_PAGE, "done=" + action)


def left(old):
    """Like EC.staleness_of(old), for the <html> of the page being left: also true when Chromium answers that the
    node "does not belong to the document" (it does so for a node of a document being torn down, as a generic
    WebDriverException that staleness_of lets through)."""
    def predicate(_driver):
        try:
            old.is_enabled()
            return False
        except (StaleElementReferenceException, NoSuchElementException):
            return True
        except WebDriverException as error:
            if "does not belong to the document" in str(error):
                return True
            raise
    return predicate


TICKET_PAGE = ".page-head > .status.big[class*=\" s-\"]"  # the status badge (class s-STATUS) in the heading of a ticket's own page


def read_xlsx(data):
    """The first sheet's rows, as openpyxl (the reader Python's data tools use) opens the workbook."""
    import io
    import openpyxl
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return [tuple("" if cell is None else cell for cell in row) for row in book.worksheets[0].iter_rows(values_only=True)]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def walk(run):
    d = run.driver
    photo = os.path.join(run.tmp, "streetlight.png")
    open(photo, "wb").write(PNG)

    print("1. citizen submits a request on the portal")
    run.go("/portal/submit", 'form[action="/portal/submit"]')
    Select(run.find('select[name="type"]')).select_by_value("complaint")
    run.find('textarea[name="content"]').send_keys("东湖区滨江花园北门的路灯已经坏了一个星期，晚上特别黑，老人孩子出行不安全，请尽快修复。")
    run.find('input[name="address"]').send_keys("东湖区滨江花园北门")
    run.find('input[name="photos"]').send_keys(photo)
    run.find('input[name="name"]').send_keys("陈女士")
    run.find('input[name="phone"]').send_keys("13905718888")
    run.shot("01-portal-submit")
    run.click(run.find('form[action="/portal/submit"] button[type="submit"]'), "#submitted #ticket-number")
    number = run.find("#ticket-number").text.strip()
    code = run.find("#query-code").text.strip()
    run.expect(len(number) == 14 and len(code) == 8, "no receipt")
    run.shot("03-portal-submitted")
    run.go("/portal/track", 'form[action="/portal/track"]')
    run.find('input[name="number"]').send_keys(number)
    run.find('input[name="code"]').send_keys(code)
    run.click(run.find('form[action="/portal/track"] button'), "#public-status #public-status-label")
    run.expect("待甄别" in run.text(), "the citizen should see the screening status")
    run.shot("04-citizen-track-screening")

    print("2. the agent sees suggestions while typing, then accepts the web request and dispatches it")
    run.login("agent", "/console", "form#intake")
    run.find('textarea[name="content"]').send_keys("锦绣苑小区的物业不作为，5栋楼道灯坏了两个月没人修，门禁也坏了，请督促物业整改。")
    # The panel is refilled (innerHTML) by each debounced suggestion request: wait for the answer to the whole text.
    suggestions = lambda driver: driver.find_element(By.ID, "suggestions").text
    WebDriverWait(d, 10, ignored_exceptions=(StaleElementReferenceException,)).until(lambda driver: "推荐承办单位" in suggestions(driver))
    try:
        WebDriverWait(d, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
            lambda driver: "锦绣苑" in suggestions(driver) and "知识库答案" in suggestions(driver))
    except TimeoutException:
        pass  # the assertion below reports it
    panel = run.find("#suggestions").text
    run.expect("锦绣苑" in panel and "知识库答案" in panel, "the suggestions should offer similar open tickets and answers")
    run.shot("05-agent-console")
    run.go("/kb?q=%E7%A4%BE%E4%BF%9D%E5%8D%A1%E8%A1%A5%E5%8A%9E", 'form.kb-search[action="/kb"] ~ section.card ol.hits')
    run.expect("社保卡" in run.text(), "the knowledge base should answer")
    run.shot("05b-knowledge-search")
    run.go("/console/screening", "main .page-head ~ .table-wrap table.tickets")
    run.expect(number in run.text(), "the ticket should wait in the screening queue")
    run.shot("06-agent-screening")
    run.click(d.find_element(By.LINK_TEXT, number), TICKET_PAGE, lambda driver: "/tickets/" in driver.current_url)
    run.expect("138****" not in run.text() and "139****8888" in run.text(), "the phone must be masked")
    run.act("accept")
    form = run.find('form[data-action="dispatch"]')
    Select(form.find_element(By.NAME, "mainUnitId")).select_by_visible_text("市住房和城乡建设局")
    run.shot("07-agent-dispatch")
    run.click(form.find_element(By.CSS_SELECTOR, 'button[type="submit"]'), TICKET_PAGE, "done=dispatch")
    run.expect("待签收" in run.text(), "dispatched ticket waits for signing")
    ticket_url = d.current_url.split("?")[0]

    print("3. the unit signs and replies")
    run.login("housing", "/workbench", "main nav.tabs")
    run.expect(number in run.text(), "the ticket should be in the unit's inbox")
    run.shot("08-unit-workbench")
    run.navigate(lambda: d.get(ticket_url), TICKET_PAGE)
    run.act("sign")
    run.act("contactRequester", {"note": "已电话联系诉求人，约定今日现场查看"})
    run.shot("09-unit-signed")
    form = run.find('form[data-action="reply"]')
    form.find_element(By.NAME, "note").send_keys("经现场核查，北门路灯线路老化，已于今日更换线路并恢复照明。感谢您的反映。")
    form.find_element(By.NAME, "files").send_keys(photo)
    run.shot("10-unit-reply")
    run.click(form.find_element(By.CSS_SELECTOR, 'button[type="submit"]'), TICKET_PAGE, "done=reply")

    print("4. the center approves the reply, records the callback and closes")
    run.login("supervisor", "/desk", "main nav.tabs")
    run.expect(number in run.text(), "the reply should wait for review on the desk")
    run.shot("11-center-desk")
    run.navigate(lambda: d.get(ticket_url), TICKET_PAGE)
    run.act("review", {}, button='button[name="approve"][value="true"]')
    run.act("evaluate", {"satisfaction": "satisfied", "resolved": "true", "note": "路灯已经亮了，很满意"})
    run.shot("12-center-callback")
    run.act("close", {"note": "回访满意，办结归档"})
    run.expect("已办结" in run.text(), "the ticket should be closed")
    run.shot("13-center-closed")

    print("5. the citizen sees the closed result")
    d.delete_all_cookies()
    run.go("/portal/track", 'form[action="/portal/track"]')
    run.find('input[name="number"]').send_keys(number)
    run.find('input[name="code"]').send_keys(code)
    run.click(run.find('form[action="/portal/track"] button'), "#public-status #public-status-label")
    text = run.text()
    run.expect("已办结" in text and "已于今日更换线路" in text, "the citizen should see the closed result and the reply")
    run.shot("14-citizen-closed")

    print("6. the desk offers near-duplicates to merge; admin calendar; the portal and its common questions on a 360 px phone")
    run.login("supervisor", "/desk", "main nav.tabs")
    run.go("/desk?tab=duplicates", 'main nav.tabs a[aria-current="page"][href*="duplicates"]')
    run.expect("文本相似" in run.text() or "同一来电人" in run.text(), "the desk should offer duplicates")
    run.shot("17-center-duplicates")
    run.login("admin", "/admin/units", 'main form[action="/admin/units"]')
    print("   the month's assessment: units ranked, a number opened to its tickets, the month published")
    run.go("/assessment", "table.ranking")
    run.expect("市直部门" in run.text() and "满意率" in run.text(), "the ranking should show the departments and their rates")
    run.shot("19-assessment-ranking")
    run.click(run.find("table.ranking td a"), "main table.tickets")
    run.expect("考核排名" in run.text(), "the drill-down should lead back to the ranking")
    run.shot("20-assessment-drill")
    run.go("/assessment", "table.ranking")
    run.click(run.find('form[action="/assessment/publish"] button'), "p.flash.ok")
    run.expect("已发布第1版" in run.text(), "the published month should be frozen as version 1")
    print("   the leader's dashboard, the analysis, hotspots, a report; exports opened by a real spreadsheet reader")
    run.login("leader", "/dashboard", "section.tiles")
    text = run.text()
    run.expect("今日受理" in text and "近30天受理量" in text and "红榜" in text, "the dashboard should show today's work, the trend and the lists")
    run.expect("139****8888" not in text and "陈女士" not in text, "the dashboard must show no identity")
    run.expect(d.find_elements(By.CSS_SELECTOR, "svg.chart polyline.series"), "the trend should be drawn")
    run.shot("21-leader-dashboard")
    run.go("/analysis?dimension=category", "main table")
    run.expect("环比" in run.text() and "同比" in run.text(), "the volumes should compare periods")
    run.shot("22-analysis-volumes")
    xlsx = run.download("/analysis/export/xlsx?dimension=category")
    rows = read_xlsx(xlsx)
    run.expect(rows and rows[0][0] == "诉求分类" and len(rows) > 2, f"the exported workbook should open with its header: {rows[:2]}")
    run.go("/analysis/hotspots?days=90", "table.hotspots")
    run.shot("23-hotspots")
    run.login("supervisor", "/desk", "main nav.tabs")
    print("   a hotspot handled as one group matter: dispatched together from the hotspot page")
    run.go("/analysis/hotspots?days=90", 'details.group-matter summary')
    run.find('details.group-matter summary').click()
    form = run.find('form[action="/analysis/hotspots/dispatch"]')
    Select(form.find_element(By.CSS_SELECTOR, 'select[name="mainUnitId"]')).select_by_index(1)
    form.find_element(By.CSS_SELECTOR, 'input[name="note"]').send_keys("同一问题合并派单，请牵头处理")
    run.shot("23b-hotspot-group-matter")
    run.click(form.find_element(By.CSS_SELECTOR, 'button[type="submit"]'), "p.flash.ok")
    run.expect("已合并派单" in run.text(), "dispatching a hotspot together should say what it did")
    tickets = read_xlsx(run.download("/tickets/export/xlsx?all=1"))
    run.expect(len(tickets) > 100 and tickets[0][:2] == ("工单编号", "标题"), f"the ticket export should hold the demo's tickets: {len(tickets)}")
    run.expect(not any("陈女士" in str(cell) or "13905718888" in str(cell) for row in tickets for cell in row), "exports hold no identity")
    run.go("/reports", 'form[action="/reports"]')
    Select(run.find('select[name="kind"]')).select_by_value("monthly")
    period = run.find('input[name="period"]')
    period.clear()
    period.send_keys(time.strftime("%Y-%m"))
    run.click(run.find('form[action="/reports"] button[type="submit"]'), "article.report")
    run.expect("月报" in run.text() and "总体情况" in run.text(), "the monthly report should be generated")
    run.shot("24-monthly-report")
    run.login("admin", "/admin/units", 'main form[action="/admin/units"]')
    run.go("/admin/calendar?year=2026", 'form.side[action="/admin/calendar"] input[name="date"]')
    run.expect("2026-10-10" in run.text(), "the 2026 calendar should be listed")
    run.shot("15-admin-calendar")
    print("   linkage: a webhook subscription for the 110 platform, the 110 settings, an escalation, the report")
    run.go("/admin/subscriptions", "form#new-subscription")
    form = run.find("form#new-subscription")
    form.find_element(By.CSS_SELECTOR, 'input[name="name"]').send_keys("110联动平台·进展回传")
    form.find_element(By.CSS_SELECTOR, 'input[name="url"]').send_keys("https://110.example.gov.cn/hotline/changes")
    scope = Select(form.find_element(By.CSS_SELECTOR, 'select[name="scope"]'))
    scope.select_by_visible_text(next(o.text for o in scope.options if o.text.startswith("该对接账号登记的工单")))
    form.find_element(By.CSS_SELECTOR, 'input[name="topic"][value="ticket.*"]').click()
    run.click(form.find_element(By.CSS_SELECTOR, 'button[type="submit"]'), "#new-secret")
    run.expect(run.find("#new-secret").text.startswith("whsec_"), "the signing secret should be shown once")
    run.expect("该对接账号登记的工单：110联动平台" in run.text(), "the subscription should follow the 110 account's tickets")
    run.shot("25-admin-subscriptions")
    run.go("/admin/police110", "table#diversion-items")
    run.expect("噪音扰民" in run.text() and "110转办" in run.text(), "the diversion list should show each item's deadline policy")
    run.shot("26-admin-police110")
    print("   province and city: the link up to the province; a shared knowledge base followed")
    run.go("/admin/upstream", "form#upstream-form")
    form = run.find("form#upstream-form")
    form.find_element(By.CSS_SELECTOR, 'input[name="url"]').send_keys("https://12345.province.invalid")
    form.find_element(By.CSS_SELECTOR, 'input[name="apiKey"]').send_keys("hlk_issued_by_the_province")
    run.click(form.find_element(By.CSS_SELECTOR, 'button[type="submit"]'), "#pending")
    run.expect("已保存" in run.text() and "待报送变更" in run.text(), "the link should be saved with its backlog shown")
    run.shot("30-admin-upstream")
    run.go("/kb/sharing", "form#kb-source-form")
    form = run.find("form#kb-source-form")
    form.find_element(By.CSS_SELECTOR, 'input[name="name"]').send_keys("省12345平台")
    form.find_element(By.CSS_SELECTOR, 'input[name="url"]').send_keys("https://12345.province.invalid")
    form.find_element(By.CSS_SELECTOR, 'input[name="apiKey"]').send_keys("hlk_issued_by_the_province")
    form.find_element(By.CSS_SELECTOR, 'input[name="categories"]').send_keys("03, 08")
    run.click(form.find_element(By.CSS_SELECTOR, 'button[type="submit"]'), "table#kb-sources")
    run.expect("省12345平台" in run.text() and "03, 08" in run.text(), "the followed source should be listed with its categories")
    run.shot("31-kb-sharing")
    run.go("/analysis/federation", "table#federation-quality")
    run.expect("尚无市级平台接入" in run.text(), "a city with no city platforms under it says so")
    run.login("supervisor", "/desk", "main nav.tabs")
    portal_number = number
    run.go("/tickets?status=inProgress", "main table.tickets")
    link = run.find("table.tickets td a")
    number = link.text.strip()
    run.click(link, "form#escalate110")
    run.find('form#escalate110 textarea[name="reason"]').send_keys("来电人反映有人在路灯下持刀滋事，涉及人身安全，请警方处置")
    run.click(run.find('form#escalate110 button[type="submit"]'), "section#police110")
    run.expect("12345 → 110 转办" in run.text() and "未闭环" in run.text(), "the escalation should show its open loop")
    d.execute_script("document.getElementById('police110').scrollIntoView()")
    run.shot("27-ticket-police110")
    run.go("/analysis/police110", "table#by-item")
    run.expect("等待110反馈的转办" in run.text() and number in run.text(), "the report should list the escalation waiting for 110")
    run.shot("28-police-report")
    print("   the phone system: a call rings at the agent, the console pops the caller's history, the ticket keeps the call")
    run.login("admin", "/admin/units", 'main form[action="/admin/units"]')
    run.go("/admin/keys", 'form[action="/admin/keys"]')
    keys = run.find('form[action="/admin/keys"]')
    accounts = Select(keys.find_element(By.CSS_SELECTOR, 'select[name="userId"]'))
    accounts.select_by_visible_text(next(o.text for o in accounts.options if "police110" in o.text))
    keys.find_element(By.CSS_SELECTOR, 'input[name="name"]').send_keys("呼叫中心CTI")
    run.click(keys.find_element(By.CSS_SELECTOR, 'button[type="submit"]'), "#new-key")
    cti_key = run.find("#new-key").text.strip()
    run.login("agent", "/console", "form#intake")

    def call_event(body):
        request = urllib.request.Request(run.base + "/api/v1/cti/calls", data=json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json", "X-API-Key": cti_key})
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())

    call_event({"callId": "E2E-CALL-1", "event": "ringing", "caller": "13905718888", "agent": "agent"})
    WebDriverWait(d, 15).until(lambda driver: driver.find_element(By.ID, "call-pop").is_displayed()
                               and driver.find_element(By.CSS_SELECTOR, 'form#intake input[name="phone"]').get_attribute("value") == "13905718888")
    WebDriverWait(d, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda driver: portal_number in driver.find_element(By.ID, "caller-history").text)
    run.expect(run.find('form#intake input[name="callId"]').get_attribute("value") == "E2E-CALL-1", "the call id should be carried by the form")
    run.shot("29-console-call-pop")
    call_event({"callId": "E2E-CALL-1", "event": "answered"})
    run.find('form#intake textarea[name="content"]').send_keys("市民来电反映东湖区滨江花园北门的路灯修好后又不亮了，请再次处理。")
    run.find('form#intake input[name="next"][value="save"]').click()
    run.click(run.find('form#intake button[type="submit"]'), "#created")
    call_event({"callId": "E2E-CALL-1", "event": "ended", "recordingUrl": "https://pbx.example.gov.cn/rec/E2E-CALL-1.wav"})
    run.click(run.find("#created a"), "section#call")
    run.expect("E2E-CALL-1" in run.text() and "来电记录" in run.text(), "the ticket should keep the call it was recorded during")
    d.delete_all_cookies()
    d.set_window_size(360, 780)
    run.go("/portal/submit", 'form[action="/portal/submit"]')
    width = d.execute_script("return document.documentElement.scrollWidth")
    run.expect(width <= 362, f"the portal must fit 360 px (scroll width {width})")
    run.shot("16-portal-mobile")
    run.go("/portal/kb?q=" + urllib.parse.quote("公积金怎么提取"), 'form[action="/portal/kb"]')
    run.expect("住房公积金" in run.text(), "the citizen should find the published 公积金 answer")
    width = d.execute_script("return document.documentElement.scrollWidth")
    run.expect(width <= 362, f"the common questions must fit 360 px (scroll width {width})")
    run.shot("18-portal-faq-mobile")
    d.set_window_size(1280, 900)

    print("7. account security: the agent enrols a second factor and signs in with it; the admin reads the sign-in history; the audit page")
    run.login("agent", "/console", "form#intake")
    run.go("/account/security", 'form[action="/account/security/begin"]')
    run.click(run.find('form[action="/account/security/begin"] button'), "#totp-secret")
    secret = run.find("#totp-secret").text.replace(" ", "")
    run.expect(run.find("#totp-uri").text.startswith("otpauth://totp/"), "the enrolment should show the otpauth address")
    run.shot("32-account-enrol")
    run.find('form[action="/account/security/confirm"] input[name="code"]').send_keys(totp(secret))
    run.click(run.find('form[action="/account/security/confirm"] button'), "p.flash.ok")
    run.expect("已启用" in run.text(), "the second factor should be on")
    d.delete_all_cookies()
    run.go("/login", 'form[action="/login"]')
    run.find('input[name="username"]').send_keys("agent")
    run.find('input[name="password"]').send_keys(PASSWORD)
    run.click(run.find('form[action="/login"] button[type="submit"]'), 'input[name="otp"][required]')
    run.expect("请输入动态口令" in run.text(), "the sign-in should ask for the code")
    run.find('input[name="password"]').send_keys(PASSWORD)
    run.find('input[name="otp"]').send_keys(totp(secret, step=1))
    run.click(run.find('form[action="/login"] button[type="submit"]'), "form#intake",
              lambda driver: urllib.parse.urlsplit(driver.current_url).path == "/console")
    run.login("admin", "/admin/units", 'main form[action="/admin/units"]')
    run.go("/admin/users", 'main form[action="/admin/users"]')
    run.shot("33-admin-users")
    link = [a for a in d.find_elements(By.CSS_SELECTOR, 'a[href$="/sign-ins"]')
            if "agent" in a.find_element(By.XPATH, "./ancestor::tr").text.split()[0]][0]
    run.click(link, "main table")
    run.expect("登录成功" in run.text() and "待输入动态口令" in run.text(), "the history should show the sign-ins and the code asked for")
    run.shot("34-admin-sign-ins")
    run.login("auditor", "/tickets", "main table.tickets")
    run.go("/audit", "main table")
    run.expect("审计链完整" in run.text() or "完整" in run.text(), "the audit page should say the chain is intact")
    run.shot("35-audit")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "debug", "hotline"))
    parser.add_argument("--out", default=os.path.join(ROOT, "screenshots", "e2e"))
    parser.add_argument("--docs", action="store_true", help="copy the main screens to docs/screenshots/")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    run = Run(args.binary, args.out)
    try:
        run.start()
        walk(run)
    finally:
        run.stop()
    if args.docs:
        target = os.path.join(ROOT, "docs", "screenshots")
        os.makedirs(target, exist_ok=True)
        for source, name in DOCS.items():
            shutil.copy(os.path.join(args.out, source + ".png"), os.path.join(target, name + ".png"))
    print("browser test passed")


if __name__ == "__main__":
    main()
