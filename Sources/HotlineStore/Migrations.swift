import Foundation
import SQLKit

/// The schema, one numbered migration per change; a released migration is never edited.
enum Migrations {
    struct Migration: Sendable {
        let version: Int
        let name: String
        let statements: @Sendable (Dialect) -> [String]
    }

    static func id(_ dialect: Dialect) -> String {
        dialect == .postgres ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT"
    }

    static let all: [Migration] = [
        Migration(version: 1, name: "organisation, users and auth") { d in
            [
                """
                CREATE TABLE units (id \(id(d)), parent_id BIGINT REFERENCES units(id), name TEXT NOT NULL, kind TEXT NOT NULL,
                  code TEXT, region_code TEXT, path TEXT NOT NULL, center_id BIGINT, active BOOLEAN NOT NULL, created_at BIGINT NOT NULL)
                """,
                "CREATE INDEX units_path ON units(path)",
                "CREATE INDEX units_parent ON units(parent_id)",
                """
                CREATE TABLE users (id \(id(d)), username TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL, password_hash TEXT NOT NULL,
                  role TEXT NOT NULL, unit_id BIGINT NOT NULL REFERENCES units(id), active BOOLEAN NOT NULL, created_at BIGINT NOT NULL)
                """,
                """
                CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, user_id BIGINT NOT NULL REFERENCES users(id),
                  created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL)
                """,
                """
                CREATE TABLE api_keys (id \(id(d)), name TEXT NOT NULL, key_hash TEXT NOT NULL UNIQUE,
                  user_id BIGINT NOT NULL REFERENCES users(id), created_at BIGINT NOT NULL, revoked_at BIGINT)
                """,
            ]
        },
        Migration(version: 2, name: "categories, SLA policies, calendar") { d in
            [
                """
                CREATE TABLE categories (code TEXT PRIMARY KEY, name TEXT NOT NULL, level BIGINT NOT NULL, parent_code TEXT,
                  description TEXT, active BOOLEAN NOT NULL)
                """,
                "CREATE INDEX categories_parent ON categories(parent_code)",
                """
                CREATE TABLE sla_policies (id \(id(d)), name TEXT NOT NULL, ticket_type TEXT, urgency TEXT, channel TEXT,
                  category_prefix TEXT, difficult BOOLEAN, sign_amount BIGINT NOT NULL, sign_unit TEXT NOT NULL,
                  reply_amount BIGINT NOT NULL, reply_unit TEXT NOT NULL)
                """,
                "CREATE TABLE calendar_days (day TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL)",
            ]
        },
        Migration(version: 3, name: "tickets, history, outbox") { d in
            [
                """
                CREATE TABLE tickets (id \(id(d)), number TEXT NOT NULL UNIQUE, query_code_enc TEXT NOT NULL,
                  center_id BIGINT NOT NULL REFERENCES units(id), channel TEXT NOT NULL, type TEXT NOT NULL, urgency TEXT NOT NULL,
                  difficult BOOLEAN NOT NULL, title TEXT NOT NULL, content TEXT NOT NULL, category_code TEXT,
                  address TEXT, region_code TEXT, latitude DOUBLE PRECISION, longitude DOUBLE PRECISION,
                  requester_kind TEXT NOT NULL, requester_name_enc TEXT, requester_phone_enc TEXT, requester_phone_hash TEXT,
                  requester_id_enc TEXT, enterprise_name TEXT, credit_code TEXT, confidential BOOLEAN NOT NULL, attachments TEXT NOT NULL,
                  status TEXT NOT NULL, resume_status TEXT, main_unit_id BIGINT, handling_unit_id BIGINT, co_unit_ids TEXT NOT NULL,
                  responsible_unit_ids TEXT NOT NULL, returned_unit_ids TEXT NOT NULL,
                  dispatched_at BIGINT, signed_at BIGINT, sign_due_at BIGINT, reply_due_at BIGINT, due_soon_at BIGINT,
                  due_soon_marked BOOLEAN NOT NULL, overdue_marked BOOLEAN NOT NULL, sign_overdue_marked BOOLEAN NOT NULL,
                  return_count BIGINT NOT NULL, extension_count BIGINT NOT NULL, redo_count BIGINT NOT NULL,
                  send_back_count BIGINT NOT NULL, supervision_count BIGINT NOT NULL, pending_extension_days BIGINT,
                  escalated BOOLEAN NOT NULL, unreasonable_repeat BOOLEAN NOT NULL, merged_into_id BIGINT,
                  answer TEXT, reply TEXT, replied_at BIGINT, satisfaction TEXT, resolved BOOLEAN, evaluation_reasonable BOOLEAN,
                  evaluation_comment TEXT, reject_reason TEXT, closed_at BIGINT,
                  created_by BIGINT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, version BIGINT NOT NULL)
                """,
                "CREATE INDEX tickets_center_status ON tickets(center_id, status)",
                "CREATE INDEX tickets_phone ON tickets(requester_phone_hash)",
                "CREATE INDEX tickets_created ON tickets(created_at)",
                "CREATE INDEX tickets_reply_due ON tickets(status, reply_due_at)",
                "CREATE INDEX tickets_due_soon ON tickets(status, due_soon_at)",
                """
                CREATE TABLE ticket_units (ticket_id BIGINT NOT NULL REFERENCES tickets(id), unit_id BIGINT NOT NULL REFERENCES units(id),
                  unit_path TEXT NOT NULL, role TEXT NOT NULL, PRIMARY KEY (ticket_id, unit_id, role))
                """,
                "CREATE INDEX ticket_units_unit ON ticket_units(unit_id)",
                "CREATE INDEX ticket_units_path ON ticket_units(unit_path)",
                """
                CREATE TABLE ticket_events (seq BIGINT PRIMARY KEY, ticket_id BIGINT REFERENCES tickets(id), at BIGINT NOT NULL,
                  actor_id BIGINT, actor_name TEXT NOT NULL, action TEXT NOT NULL, from_status TEXT, to_status TEXT, note TEXT,
                  details TEXT NOT NULL, public BOOLEAN NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)
                """,
                "CREATE INDEX ticket_events_ticket ON ticket_events(ticket_id, seq)",
                "CREATE TABLE audit_head (id BIGINT PRIMARY KEY, seq BIGINT NOT NULL, hash TEXT NOT NULL)",
                "INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '\(String(repeating: "0", count: 64))')",
                """
                CREATE TABLE outbox (id \(id(d)), event_seq BIGINT NOT NULL, topic TEXT NOT NULL, payload TEXT NOT NULL,
                  created_at BIGINT NOT NULL, delivered_at BIGINT)
                """,
                """
                CREATE TABLE supervisions (id \(id(d)), ticket_id BIGINT NOT NULL REFERENCES tickets(id), level TEXT NOT NULL,
                  method TEXT NOT NULL, reason TEXT NOT NULL, automatic BOOLEAN NOT NULL, created_by BIGINT, created_at BIGINT NOT NULL)
                """,
                "CREATE INDEX supervisions_ticket ON supervisions(ticket_id)",
                """
                CREATE TABLE idempotency_keys (principal TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,
                  ticket_id BIGINT NOT NULL REFERENCES tickets(id), created_at BIGINT NOT NULL, PRIMARY KEY (principal, key))
                """,
                "CREATE TABLE ticket_day_counters (day TEXT PRIMARY KEY, last BIGINT NOT NULL)",
            ]
        },
        Migration(version: 4, name: "browser sessions, uploaded files, sent-back flag") { d in
            [
                "ALTER TABLE sessions ADD COLUMN kind TEXT NOT NULL DEFAULT 'api'",
                "ALTER TABLE sessions ADD COLUMN csrf_token TEXT",
                "ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT",
                "CREATE INDEX sessions_user ON sessions(user_id)",
                "ALTER TABLE tickets ADD COLUMN sent_back BOOLEAN NOT NULL DEFAULT FALSE",
                "CREATE INDEX tickets_created_by ON tickets(created_by, id)",
                "CREATE INDEX tickets_handling ON tickets(handling_unit_id, status)",
                """
                CREATE TABLE attachments (id \(id(d)), ticket_id BIGINT NOT NULL REFERENCES tickets(id), event_seq BIGINT,
                  name TEXT NOT NULL, content_type TEXT NOT NULL, size BIGINT NOT NULL, sha256 TEXT NOT NULL,
                  storage_key TEXT NOT NULL UNIQUE, source TEXT NOT NULL, uploaded_by BIGINT, created_at BIGINT NOT NULL)
                """,
                "CREATE INDEX attachments_ticket ON attachments(ticket_id)",
            ]
        },
        Migration(version: 5, name: "knowledge base, gazetteer, routing rules, models") { d in
            [
                """
                CREATE TABLE kb_entries (id \(id(d)), center_id BIGINT REFERENCES units(id), status TEXT NOT NULL, question TEXT NOT NULL,
                  content TEXT NOT NULL, category_code TEXT, source_unit_id BIGINT REFERENCES units(id), version BIGINT NOT NULL, live TEXT,
                  live_version BIGINT, usage_count BIGINT NOT NULL, helpful_count BIGINT NOT NULL, unhelpful_count BIGINT NOT NULL,
                  created_by BIGINT, updated_by BIGINT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, change_seq BIGINT NOT NULL)
                """,
                "CREATE INDEX kb_entries_change ON kb_entries(change_seq)",
                "CREATE INDEX kb_entries_status ON kb_entries(status, source_unit_id)",
                """
                CREATE TABLE kb_history (id \(id(d)), entry_id BIGINT NOT NULL REFERENCES kb_entries(id), version BIGINT NOT NULL,
                  action TEXT NOT NULL, actor_id BIGINT, actor_name TEXT NOT NULL, at BIGINT NOT NULL, note TEXT, snapshot TEXT)
                """,
                "CREATE INDEX kb_history_entry ON kb_history(entry_id, id)",
                """
                CREATE TABLE kb_reports (id \(id(d)), entry_id BIGINT NOT NULL REFERENCES kb_entries(id), reporter_id BIGINT,
                  reporter_name TEXT NOT NULL, text TEXT NOT NULL, status TEXT NOT NULL, resolution TEXT, resolved_by_name TEXT,
                  created_at BIGINT NOT NULL, resolved_at BIGINT)
                """,
                "CREATE INDEX kb_reports_status ON kb_reports(status, entry_id)",
                "CREATE TABLE kb_synonyms (id \(id(d)), terms TEXT NOT NULL)",
                "CREATE TABLE kb_head (id BIGINT PRIMARY KEY, seq BIGINT NOT NULL, synonyms_seq BIGINT NOT NULL, places_seq BIGINT NOT NULL)",
                "INSERT INTO kb_head (id, seq, synonyms_seq, places_seq) VALUES (1, 0, 0, 0)",
                """
                CREATE TABLE places (id \(id(d)), center_id BIGINT REFERENCES units(id), name TEXT NOT NULL, aliases TEXT NOT NULL,
                  kind TEXT NOT NULL, parent_id BIGINT, unit_id BIGINT REFERENCES units(id))
                """,
                """
                CREATE TABLE routing_rules (id \(id(d)), category_prefix TEXT NOT NULL, unit_id BIGINT NOT NULL REFERENCES units(id),
                  note TEXT)
                """,
                """
                CREATE TABLE models (id \(id(d)), kind TEXT NOT NULL, version BIGINT NOT NULL, created_at BIGINT NOT NULL,
                  examples BIGINT NOT NULL, metrics TEXT NOT NULL, data \(d == .postgres ? "BYTEA" : "BLOB") NOT NULL,
                  active BOOLEAN NOT NULL, note TEXT)
                """,
                "CREATE INDEX models_kind ON models(kind, active)",
                "CREATE TABLE job_locks (name TEXT PRIMARY KEY, holder TEXT NOT NULL, until_at BIGINT NOT NULL)",
            ]
        },
        Migration(version: 6, name: "who asked to return a ticket") { _ in
            ["ALTER TABLE tickets ADD COLUMN return_requested_by BIGINT"]
        },
        Migration(version: 7, name: "models and synonyms per center; tickets by change time") { _ in
            let firstCenter = "(SELECT MIN(id) FROM units WHERE kind = 'center')"
            return [
                "ALTER TABLE models ADD COLUMN center_id BIGINT REFERENCES units(id)",
                "UPDATE models SET center_id = \(firstCenter)",
                "DROP INDEX models_kind",
                "CREATE UNIQUE INDEX models_version ON models(center_id, kind, version)",
                // At most one active model of a kind per center, whatever two nodes do at once.
                "CREATE UNIQUE INDEX models_active ON models(center_id, kind) WHERE active",
                "ALTER TABLE kb_synonyms ADD COLUMN center_id BIGINT REFERENCES units(id)",
                // The table was shared: every center starts with a copy of it.
                """
                INSERT INTO kb_synonyms (terms, center_id)
                SELECT s.terms, u.id FROM kb_synonyms s CROSS JOIN units u WHERE u.kind = 'center' AND s.center_id IS NULL ORDER BY u.id, s.id
                """,
                "DELETE FROM kb_synonyms WHERE center_id IS NULL",
                "CREATE INDEX kb_synonyms_center ON kb_synonyms(center_id, id)",
                // Tickets that ended, by change time (the duplicate search follows them). Partial, so intake does not pay for it.
                "CREATE INDEX tickets_ended ON tickets(updated_at) WHERE status IN ('closed', 'rejected', 'merged')",
            ]
        },
        Migration(version: 8, name: "assessment schemes, published results and appeals") { d in
            [
                """
                CREATE TABLE assessment_schemes (center_id BIGINT NOT NULL REFERENCES units(id), version BIGINT NOT NULL,
                  definitions TEXT NOT NULL, created_at BIGINT NOT NULL, created_by BIGINT, PRIMARY KEY (center_id, version))
                """,
                """
                CREATE TABLE assessment_publications (id \(id(d)), center_id BIGINT NOT NULL REFERENCES units(id), period TEXT NOT NULL,
                  version BIGINT NOT NULL, scheme_version BIGINT NOT NULL, result TEXT NOT NULL, published_at BIGINT NOT NULL,
                  published_by BIGINT, UNIQUE (center_id, period, version))
                """,
                """
                CREATE TABLE assessment_appeals (id \(id(d)), center_id BIGINT NOT NULL REFERENCES units(id),
                  unit_id BIGINT NOT NULL REFERENCES units(id), ticket_id BIGINT NOT NULL REFERENCES tickets(id), period TEXT NOT NULL,
                  indicator_code TEXT NOT NULL, reason TEXT NOT NULL, status TEXT NOT NULL, created_by BIGINT, created_at BIGINT NOT NULL,
                  decided_by BIGINT, decided_at BIGINT, decision_note TEXT)
                """,
                "CREATE INDEX assessment_appeals_period ON assessment_appeals(center_id, period, status)",
                // One open or approved appeal of a unit per ticket and indicator, whatever two requests do at once.
                """
                CREATE UNIQUE INDEX assessment_appeals_once ON assessment_appeals(center_id, period, unit_id, ticket_id, indicator_code)
                WHERE status <> 'denied'
                """,
                // Tickets by deadline, to find those an assessment period counts.
                "CREATE INDEX tickets_center_reply_due ON tickets(center_id, reply_due_at)",
                "CREATE INDEX tickets_center_updated ON tickets(center_id, updated_at)",
            ]
        },
        Migration(version: 9, name: "analysis: early warnings, archived reports, assessment groups") { d in
            [
                """
                CREATE TABLE warnings (id \(id(d)), center_id BIGINT NOT NULL REFERENCES units(id), kind TEXT NOT NULL, key TEXT NOT NULL,
                  title TEXT NOT NULL, day TEXT NOT NULL, last_day TEXT NOT NULL, count BIGINT NOT NULL, expected DOUBLE PRECISION,
                  score DOUBLE PRECISION, ticket_ids TEXT NOT NULL, status TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
                  acknowledged_by BIGINT, acknowledged_at BIGINT, note TEXT, UNIQUE (center_id, kind, key, day))
                """,
                // One open warning per key: a repeat that goes on grows the open warning instead of raising another.
                "CREATE UNIQUE INDEX warnings_open ON warnings(center_id, kind, key) WHERE status = 'open'",
                """
                CREATE TABLE reports (id \(id(d)), center_id BIGINT NOT NULL REFERENCES units(id), kind TEXT NOT NULL, period TEXT NOT NULL,
                  version BIGINT NOT NULL, title TEXT NOT NULL, content TEXT NOT NULL, generated_at BIGINT NOT NULL, generated_by BIGINT,
                  UNIQUE (center_id, kind, period, version))
                """,
                // 考核分组: the group a unit is ranked in, when not the one of its kind.
                "ALTER TABLE units ADD COLUMN assessment_group TEXT",
                // Tickets by intake time per center: every volume, trend and warning reads them this way.
                "CREATE INDEX tickets_center_created ON tickets(center_id, created_at)",
            ]
        },
        Migration(version: 10, name: "appeal evidence: the history event an appeal was filed with, whose files are its evidence") { _ in
            ["ALTER TABLE assessment_appeals ADD COLUMN event_seq BIGINT"]
        },
        Migration(version: 11, name: "hotspots: each ticket's text signature, computed once when it is written") { _ in
            ["ALTER TABLE tickets ADD COLUMN text_signature TEXT"]
        },
        Migration(version: 12, name: "assessment rollup: each ticket's facts, summed per unit and day, kept with its history") { d in
            let real = d == .postgres ? "DOUBLE PRECISION" : "REAL"
            return [
                // Each ticket's facts as last computed (to apply the difference when its history grows).
                "CREATE TABLE assessment_facts (ticket_id BIGINT PRIMARY KEY, center_id BIGINT NOT NULL, facts TEXT NOT NULL)",
                // The facts that count at once, summed per unit, fact and day.
                """
                CREATE TABLE assessment_counts (center_id BIGINT NOT NULL, unit_id BIGINT NOT NULL, fact TEXT NOT NULL, day TEXT NOT NULL,
                  count BIGINT NOT NULL, days \(real) NOT NULL, PRIMARY KEY (center_id, unit_id, fact, day))
                """,
                // The facts that count only from a deadline on (open work), one row each.
                """
                CREATE TABLE assessment_pending (ticket_id BIGINT NOT NULL, center_id BIGINT NOT NULL, unit_id BIGINT NOT NULL, fact TEXT NOT NULL,
                  day TEXT NOT NULL, pending_until BIGINT NOT NULL)
                """,
                "CREATE INDEX assessment_pending_center ON assessment_pending(center_id, day)",
                "CREATE INDEX assessment_pending_ticket ON assessment_pending(ticket_id)",
                // Whether every ticket's facts are in (a database with tickets from before fills them in the background).
                "CREATE TABLE assessment_rollup (id BIGINT PRIMARY KEY, ready BOOLEAN NOT NULL, cursor BIGINT NOT NULL)",
                "INSERT INTO assessment_rollup (id, ready, cursor) SELECT 1, NOT EXISTS (SELECT 1 FROM tickets), 0",
            ]
        },
        Migration(version: 13, name: "assessment rollup: which units each ticket has facts of, for one unit's drill-down") { _ in
            [
                "CREATE TABLE assessment_units (unit_id BIGINT NOT NULL, ticket_id BIGINT NOT NULL, PRIMARY KEY (unit_id, ticket_id))",
                "CREATE INDEX assessment_units_ticket ON assessment_units(ticket_id)",
                // Filled with the facts: a database that had the rollup already fills it again.
                "DELETE FROM assessment_facts", "DELETE FROM assessment_counts", "DELETE FROM assessment_pending",
                "UPDATE assessment_rollup SET ready = NOT EXISTS (SELECT 1 FROM tickets), cursor = 0",
            ]
        },
        Migration(version: 14, name: "webhooks: subscriptions, one delivery per change and subscriber, the relay's cursor") { d in
            [
                """
                CREATE TABLE subscriptions (id \(id(d)), center_id BIGINT NOT NULL REFERENCES units(id), name TEXT NOT NULL, url TEXT NOT NULL,
                  secret_enc TEXT NOT NULL, topics TEXT NOT NULL, scope TEXT NOT NULL, scope_id BIGINT, active BOOLEAN NOT NULL,
                  created_by BIGINT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
                """,
                // One row per change and subscriber: fanned out in commit order, so within one subscriber and one ticket
                // (`order_key`; 0 for the center's own events) a lower id is an earlier change.
                """
                CREATE TABLE deliveries (id \(id(d)), subscription_id BIGINT NOT NULL REFERENCES subscriptions(id), outbox_id BIGINT NOT NULL,
                  event_seq BIGINT NOT NULL, order_key BIGINT NOT NULL, topic TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL,
                  next_at BIGINT NOT NULL, lease_until BIGINT, lease_token TEXT, last_status INTEGER, last_error TEXT,
                  created_at BIGINT NOT NULL, last_attempt_at BIGINT, delivered_at BIGINT, UNIQUE (subscription_id, outbox_id))
                """,
                "CREATE INDEX deliveries_due ON deliveries(next_at) WHERE status = 'pending'",
                "CREATE INDEX deliveries_order ON deliveries(subscription_id, order_key, id) WHERE status = 'pending'",
                "CREATE INDEX deliveries_dead ON deliveries(subscription_id) WHERE status = 'dead'",
                "CREATE UNIQUE INDEX outbox_event ON outbox(event_seq)",
                // The last change fanned out to the subscriptions. Changes from before webhooks existed had no subscriber.
                "CREATE TABLE relay_state (id BIGINT PRIMARY KEY, fanned_seq BIGINT NOT NULL)",
                "INSERT INTO relay_state (id, fanned_seq) SELECT 1, COALESCE(MAX(event_seq), 0) FROM outbox",
            ]
        },
        Migration(version: 15, name: "110 linkage: the diversion list, transfers both ways, each center's 110 platform and timers") { d in
            [
                """
                CREATE TABLE police_diversion_items (id \(id(d)), center_id BIGINT NOT NULL REFERENCES units(id), code TEXT NOT NULL, name TEXT NOT NULL,
                  category_code TEXT NOT NULL, type TEXT NOT NULL, urgency TEXT NOT NULL, active BOOLEAN NOT NULL, UNIQUE (center_id, code))
                """,
                """
                CREATE TABLE police_transfers (id \(id(d)), ticket_id BIGINT NOT NULL REFERENCES tickets(id), center_id BIGINT NOT NULL,
                  direction TEXT NOT NULL, alarm_number TEXT, dispatch_number TEXT, item_code TEXT, started_at BIGINT NOT NULL, recording_url TEXT,
                  reason TEXT, platform_user_id BIGINT, created_by BIGINT, acknowledged_at BIGINT, acknowledge_due_at BIGINT, feedback TEXT,
                  feedback_at BIGINT, feedback_due_at BIGINT, late_marked TEXT NOT NULL DEFAULT '')
                """,
                // One diverted call is one ticket, however often 110 sends it.
                "CREATE UNIQUE INDEX police_transfers_call ON police_transfers(center_id, alarm_number) WHERE direction = 'fromPolice'",
                "CREATE INDEX police_transfers_ticket ON police_transfers(ticket_id)",
                "CREATE INDEX police_transfers_open ON police_transfers(feedback_due_at) WHERE direction = 'toPolice' AND feedback_at IS NULL",
                "CREATE INDEX police_transfers_started ON police_transfers(center_id, started_at)",
                """
                CREATE TABLE police_settings (center_id BIGINT PRIMARY KEY REFERENCES units(id), platform_user_id BIGINT, acknowledge_minutes INTEGER NOT NULL,
                  urgent_feedback_minutes INTEGER NOT NULL, feedback_minutes INTEGER NOT NULL)
                """,
            ]
        },
        Migration(version: 16, name: "notifications: each center's templates, one notice per event and recipient, the planner's cursor") { d in
            [
                "CREATE TABLE notice_templates (center_id BIGINT NOT NULL REFERENCES units(id), kind TEXT NOT NULL, text TEXT NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (center_id, kind))",
                // The recipient: a user, or the citizen's phone kept encrypted (masked for the log); never in clear. The text is
                // kept encrypted as sent and, for the log, with the query code masked.
                """
                CREATE TABLE notices (id \(id(d)), center_id BIGINT NOT NULL, event_seq BIGINT NOT NULL, ticket_id BIGINT, kind TEXT NOT NULL,
                  recipient TEXT NOT NULL, user_id BIGINT, phone_enc TEXT, masked_to TEXT NOT NULL, text TEXT NOT NULL, text_enc TEXT NOT NULL, status TEXT NOT NULL,
                  attempts INTEGER NOT NULL, next_at BIGINT NOT NULL, lease_until BIGINT, lease_token TEXT, last_error TEXT,
                  created_at BIGINT NOT NULL, sent_at BIGINT, UNIQUE (event_seq, kind, recipient))
                """,
                "CREATE INDEX notices_due ON notices(next_at) WHERE status = 'pending'",
                "CREATE INDEX notices_center ON notices(center_id, id)",
                "CREATE TABLE notice_state (id BIGINT PRIMARY KEY, planned_seq BIGINT NOT NULL)",
                "INSERT INTO notice_state (id, planned_seq) SELECT 1, COALESCE(MAX(seq), 0) FROM ticket_events",
            ]
        },
        Migration(version: 17, name: "the phone system's calls: who rang at which agent, answered when, recorded where, and the ticket of the call") { d in
            [
                """
                CREATE TABLE calls (id \(id(d)), center_id BIGINT NOT NULL REFERENCES units(id), call_id TEXT NOT NULL, caller_enc TEXT, caller_hash TEXT,
                  agent_user_id BIGINT, ringing_at BIGINT, answered_at BIGINT, ended_at BIGINT, recording_url TEXT, ticket_id BIGINT, updated_at BIGINT NOT NULL,
                  UNIQUE (center_id, call_id))
                """,
                "CREATE INDEX calls_agent ON calls(agent_user_id, updated_at)",
                "CREATE INDEX calls_center ON calls(center_id, ringing_at)",
                "CREATE INDEX calls_ticket ON calls(ticket_id)",
            ]
        },
        Migration(version: 18, name: "province and city: a city's tickets kept read-only on the province, the city's link up and the tickets it was sent down") { d in
            [
                // On a province: which city account sent the copy, the city's id, version and last event, and when it came.
                "ALTER TABLE tickets ADD COLUMN source_user_id BIGINT",
                "ALTER TABLE tickets ADD COLUMN source_ticket_id BIGINT",
                "ALTER TABLE tickets ADD COLUMN source_version BIGINT",
                "ALTER TABLE tickets ADD COLUMN source_seq BIGINT",
                "ALTER TABLE tickets ADD COLUMN received_at BIGINT",
                "CREATE UNIQUE INDEX tickets_source ON tickets(source_user_id, source_ticket_id)",
                """
                CREATE TABLE federation_contacts (user_id BIGINT NOT NULL REFERENCES users(id), hour BIGINT NOT NULL, batches BIGINT NOT NULL,
                  tickets BIGINT NOT NULL, on_time BIGINT NOT NULL, PRIMARY KEY (user_id, hour))
                """,
                """
                CREATE TABLE federation_reconciliations (id \(id(d)), user_id BIGINT NOT NULL REFERENCES users(id), day TEXT NOT NULL,
                  city_count BIGINT NOT NULL, province_count BIGINT NOT NULL, missing BIGINT NOT NULL, at BIGINT NOT NULL)
                """,
                "CREATE INDEX federation_reconciliations_user ON federation_reconciliations(user_id, day)",
                // On a city: its link to the province (one per center) and the province tickets it holds a copy of.
                """
                CREATE TABLE upstream_links (center_id BIGINT PRIMARY KEY REFERENCES units(id), url TEXT NOT NULL, key_enc TEXT NOT NULL,
                  identity TEXT NOT NULL, active BOOLEAN NOT NULL, up_cursor BIGINT NOT NULL, down_cursor BIGINT NOT NULL, sent BIGINT NOT NULL,
                  refused BIGINT NOT NULL, last_success_at BIGINT, last_error TEXT, last_error_at BIGINT, reconciled_at BIGINT, created_at BIGINT NOT NULL)
                """,
                """
                CREATE TABLE upstream_tickets (center_id BIGINT NOT NULL REFERENCES units(id), upstream_ticket_id BIGINT NOT NULL,
                  upstream_number TEXT NOT NULL, local_ticket_id BIGINT NOT NULL UNIQUE REFERENCES tickets(id), upstream_reply_due_at BIGINT,
                  last_seq BIGINT NOT NULL, PRIMARY KEY (center_id, upstream_ticket_id))
                """,
            ]
        },
        Migration(version: 19, name: "a shared knowledge base: other platforms' entries kept as read-only copies, their sources, reports sent back") { d in
            [
                "ALTER TABLE kb_entries ADD COLUMN shared_source_id BIGINT",
                "ALTER TABLE kb_entries ADD COLUMN shared_entry_id BIGINT",
                "ALTER TABLE kb_entries ADD COLUMN shared_version BIGINT",
                "ALTER TABLE kb_entries ADD COLUMN origin TEXT",
                "CREATE UNIQUE INDEX kb_entries_shared ON kb_entries(shared_source_id, shared_entry_id)",
                """
                CREATE TABLE kb_sources (id \(id(d)), center_id BIGINT NOT NULL REFERENCES units(id), name TEXT NOT NULL, url TEXT NOT NULL,
                  key_enc TEXT NOT NULL, categories TEXT NOT NULL, cursor BIGINT NOT NULL, active BOOLEAN NOT NULL, received BIGINT NOT NULL,
                  last_success_at BIGINT, last_error TEXT, last_error_at BIGINT, created_at BIGINT NOT NULL)
                """,
                "ALTER TABLE kb_reports ADD COLUMN forwarded_at BIGINT",
            ]
        },
        Migration(version: 20, name: "trust: keyed audit seals bound to the ticket rows, sign-in throttles and history, password policy, second factor") { d in
            [
                // The key that sealed each event and the ticket row it left; the key the chain is sealed with now.
                "ALTER TABLE ticket_events ADD COLUMN key_id BIGINT",
                "ALTER TABLE ticket_events ADD COLUMN ticket_digest TEXT",
                "ALTER TABLE audit_head ADD COLUMN key_id BIGINT",
                """
                CREATE TABLE audit_verifications (id \(id(d)), started_at BIGINT NOT NULL, finished_at BIGINT NOT NULL, intact BOOLEAN NOT NULL,
                  events BIGINT NOT NULL, tickets BIGINT NOT NULL, findings TEXT NOT NULL)
                """,
                // Failed sign-ins and other counted attempts (per client, per name and client), shared by every node.
                """
                CREATE TABLE attempt_counters (key TEXT PRIMARY KEY, count BIGINT NOT NULL, first_at BIGINT NOT NULL, last_at BIGINT NOT NULL,
                  blocked_until BIGINT NOT NULL)
                """,
                """
                CREATE TABLE sign_ins (id \(id(d)), user_id BIGINT, username TEXT NOT NULL, at BIGINT NOT NULL, address TEXT NOT NULL,
                  result TEXT NOT NULL)
                """,
                "CREATE INDEX sign_ins_user ON sign_ins(user_id, at)",
                "CREATE INDEX sign_ins_at ON sign_ins(at)",
                "CREATE TABLE password_history (user_id BIGINT NOT NULL REFERENCES users(id), hash TEXT NOT NULL, set_at BIGINT NOT NULL)",
                "CREATE INDEX password_history_user ON password_history(user_id, set_at)",
                "ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE",
                "ALTER TABLE users ADD COLUMN password_changed_at BIGINT",
                "ALTER TABLE users ADD COLUMN totp_secret_enc TEXT",
                "ALTER TABLE users ADD COLUMN totp_enabled BOOLEAN NOT NULL DEFAULT FALSE",
                "ALTER TABLE users ADD COLUMN totp_last_step BIGINT",
                // A browser session that may only change its password or enrol a second factor until it does.
                "ALTER TABLE sessions ADD COLUMN restriction TEXT",
            ]
        },
    ]

    /// Applies every migration not yet applied, each in its own transaction.
    static func run(on database: Database, now: Date) async throws -> [String] {
        try await database.transaction { db in
            try await db.raw("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)").run()
        }
        var applied: [String] = []
        for migration in all {
            let done = try await database.transaction { db in
                // Take the head row lock first on PostgreSQL so that two nodes migrating at once take turns.
                if database.dialect == .postgres { try await db.raw("LOCK TABLE schema_migrations IN EXCLUSIVE MODE").run() }
                let existing = try await db.raw("SELECT version FROM schema_migrations WHERE version = \(bind: migration.version)").first()
                guard existing == nil else { return false }
                for statement in migration.statements(database.dialect) {
                    try await db.raw("\(unsafeRaw: statement)").run()
                }
                try await db.raw("""
                    INSERT INTO schema_migrations (version, name, applied_at)
                    VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: now.millis))
                    """).run()
                return true
            }
            if done { applied.append("\(migration.version) \(migration.name)") }
        }
        return applied
    }
}

extension Date {
    /// Milliseconds since 1970, as the store keeps instants.
    var millis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }

    init(millis: Int64) {
        self.init(timeIntervalSince1970: TimeInterval(millis) / 1000)
    }
}
