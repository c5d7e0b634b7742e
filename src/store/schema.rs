//! The store's schema as ordered migrations. `PRAGMA user_version` holds the number of
//! migrations applied; a migration is never edited once released, only appended.

pub const MIGRATIONS: &[&str] = &[
    // 1: the seven import kinds and the import log.
    r#"
    CREATE TABLE channel_week (
        week TEXT NOT NULL,             -- first day of the week (charter week_start)
        channel TEXT NOT NULL,
        geo TEXT NOT NULL DEFAULT '',
        spend REAL NOT NULL,            -- currency per week
        leads INTEGER NOT NULL,
        mqls INTEGER NOT NULL,
        sqls INTEGER NOT NULL,
        pipeline REAL NOT NULL,         -- CRM-attributed (lead source), currency
        sessions INTEGER,
        opportunities INTEGER,
        closed_won INTEGER,
        PRIMARY KEY (week, channel, geo)
    ) WITHOUT ROWID;
    CREATE INDEX channel_week_by_channel ON channel_week (channel, week);

    CREATE TABLE kpi_value (
        kpi TEXT NOT NULL,
        period_start TEXT NOT NULL,     -- first day of the KPI's cadence period
        value REAL NOT NULL,
        note TEXT,
        PRIMARY KEY (kpi, period_start)
    ) WITHOUT ROWID;

    CREATE TABLE plan (
        month TEXT NOT NULL,            -- first day of the month
        channel TEXT NOT NULL,
        budget REAL NOT NULL,
        pipeline_target REAL,
        mql_target REAL,
        PRIMARY KEY (month, channel)
    ) WITHOUT ROWID;

    CREATE TABLE delivery (
        deliverable TEXT NOT NULL,
        period_start TEXT NOT NULL,     -- first day of the period in which it fell due
        delivered_at TEXT NOT NULL,     -- UTC, YYYY-MM-DDTHH:MM:SS
        link TEXT,
        note TEXT,
        PRIMARY KEY (deliverable, period_start)
    ) WITHOUT ROWID;

    CREATE TABLE usage_event (
        timestamp INTEGER NOT NULL,     -- UTC seconds since the Unix epoch
        user TEXT NOT NULL,
        dashboard TEXT NOT NULL,
        source TEXT,
        PRIMARY KEY (timestamp, user, dashboard)
    ) WITHOUT ROWID;

    CREATE TABLE nps_response (
        date TEXT NOT NULL,
        respondent TEXT NOT NULL,
        score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10),
        role TEXT,
        comment TEXT,
        PRIMARY KEY (date, respondent)
    ) WITHOUT ROWID;

    CREATE TABLE reconciliation (
        week TEXT NOT NULL,
        metric TEXT NOT NULL,
        map_count INTEGER NOT NULL,
        crm_count INTEGER NOT NULL,
        PRIMARY KEY (week, metric)
    ) WITHOUT ROWID;

    CREATE TABLE import_log (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        file_name TEXT NOT NULL,
        rows INTEGER NOT NULL,
        new_rows INTEGER NOT NULL,
        updated_rows INTEGER NOT NULL,
        unchanged_rows INTEGER NOT NULL,
        content_hash TEXT NOT NULL,     -- sha256 of the file's bytes
        loaded_at TEXT NOT NULL         -- UTC, YYYY-MM-DDTHH:MM:SS
    );
    CREATE INDEX import_log_by_kind ON import_log (kind, loaded_at);
    "#,
    // 2: usage aggregates kept at import, so opening the cockpit never groups raw events.
    r#"
    -- Keyed by user first, in any case, as adoption matches BI users: one B-tree serves
    -- both the import's upserts and the cockpit's per-user reads.
    CREATE TABLE usage_day (
        user TEXT NOT NULL COLLATE NOCASE,
        day INTEGER NOT NULL,           -- UTC days since the Unix epoch
        views INTEGER NOT NULL,
        PRIMARY KEY (user, day)
    ) WITHOUT ROWID;
    INSERT INTO usage_day (user, day, views)
        SELECT user, timestamp / 86400, COUNT(*) FROM usage_event GROUP BY user COLLATE NOCASE, 2;

    CREATE TABLE dashboard_use (
        dashboard TEXT PRIMARY KEY,
        last_viewed INTEGER NOT NULL,   -- UTC seconds since the Unix epoch
        views INTEGER NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO dashboard_use (dashboard, last_viewed, views)
        SELECT dashboard, MAX(timestamp), COUNT(*) FROM usage_event GROUP BY 1;

    CREATE TABLE usage_total (
        day INTEGER PRIMARY KEY,        -- UTC days since the Unix epoch
        views INTEGER NOT NULL
    );
    INSERT INTO usage_total (day, views) SELECT timestamp / 86400, COUNT(*) FROM usage_event GROUP BY 1;
    "#,
    // 3: the weekly review session's records: insights shown, decisions, action items,
    // notes, data disputes.
    r#"
    CREATE TABLE review_session (
        week TEXT PRIMARY KEY,          -- first day of the reviewed week
        started_at TEXT NOT NULL,       -- UTC, YYYY-MM-DDTHH:MM:SS
        closed_at TEXT
    );

    CREATE TABLE insight (
        id INTEGER PRIMARY KEY,
        week TEXT NOT NULL,
        kind TEXT NOT NULL,             -- alert | recommendation | flash | …
        source_key TEXT NOT NULL,       -- stable key of what was shown, e.g. alert:cost_per_sql_spike:linkedin
        text TEXT NOT NULL,
        delivered_at TEXT NOT NULL,     -- UTC: when it was first shown in a review
        UNIQUE (week, source_key)
    );

    CREATE TABLE action_item (
        id INTEGER PRIMARY KEY,
        text TEXT NOT NULL,
        owner TEXT NOT NULL,            -- stakeholder id
        due TEXT NOT NULL,              -- YYYY-MM-DD
        insight_id INTEGER REFERENCES insight (id),
        week TEXT,                      -- the review week it was recorded in, if any
        agenda_item TEXT,
        created_at TEXT NOT NULL,
        done_at TEXT
    );
    CREATE INDEX action_item_open ON action_item (done_at, due);

    CREATE TABLE decision (
        id INTEGER PRIMARY KEY,
        week TEXT NOT NULL,
        agenda_item TEXT,
        text TEXT NOT NULL,
        created_at TEXT NOT NULL
    );

    CREATE TABLE note (
        id INTEGER PRIMARY KEY,
        week TEXT NOT NULL,
        agenda_item TEXT,
        text TEXT NOT NULL,
        created_at TEXT NOT NULL
    );

    CREATE TABLE dispute (
        id INTEGER PRIMARY KEY,
        metric TEXT NOT NULL,           -- KPI id or measure
        period TEXT NOT NULL,           -- YYYY-MM-DD, the period in dispute
        figure_a REAL NOT NULL,
        source_a TEXT NOT NULL,
        figure_b REAL NOT NULL,
        source_b TEXT NOT NULL,
        raised_by TEXT NOT NULL,        -- stakeholder id
        week TEXT,
        opened_at TEXT NOT NULL,
        resolved_at TEXT,
        resolution TEXT
    );
    "#,
    // 4: saved budget recommendations, for back-testing.
    r#"
    CREATE TABLE recommendation (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,       -- UTC
        as_of TEXT NOT NULL,            -- YYYY-MM-DD: the horizon starts the week after
        horizon_weeks INTEGER NOT NULL,
        total_budget REAL NOT NULL,     -- currency over the horizon
        model_version TEXT NOT NULL,
        expected_pipeline_current REAL NOT NULL,
        expected_pipeline_recommended REAL NOT NULL,
        body TEXT NOT NULL              -- the recommendation as JSON (rhythm recommend --json)
    );

    CREATE TABLE recommendation_channel (
        recommendation_id INTEGER NOT NULL REFERENCES recommendation (id) ON DELETE CASCADE,
        channel TEXT NOT NULL,
        current_spend REAL NOT NULL,    -- currency over the horizon
        recommended_spend REAL NOT NULL,
        expected_pipeline_current REAL NOT NULL,
        expected_pipeline_recommended REAL NOT NULL,
        PRIMARY KEY (recommendation_id, channel)
    ) WITHOUT ROWID;
    "#,
    // 5: dashboard use per day, so a report as of a past day sees the dashboards' use up to
    // that day only (the per-dashboard totals of migration 2 could not say when).
    r#"
    CREATE TABLE dashboard_day (
        dashboard TEXT NOT NULL,
        day INTEGER NOT NULL,           -- UTC days since the Unix epoch
        last_viewed INTEGER NOT NULL,   -- UTC seconds since the Unix epoch, that day
        views INTEGER NOT NULL,
        PRIMARY KEY (dashboard, day)
    ) WITHOUT ROWID;
    INSERT INTO dashboard_day (dashboard, day, last_viewed, views)
        SELECT dashboard, timestamp / 86400, MAX(timestamp), COUNT(*) FROM usage_event GROUP BY 1, 2;
    DROP TABLE dashboard_use;
    "#,
    // 6: the weekly review a delivery was marked in, so its minutes can list it.
    r#"
    ALTER TABLE delivery ADD COLUMN review_week TEXT;   -- first day of the reviewed week
    "#,
    // 7: what `rhythm purge` deleted, so the figures over purged days say "purged".
    r#"
    CREATE TABLE purge_log (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,             -- import kind: usage | nps
        before TEXT NOT NULL,           -- YYYY-MM-DD: its rows dated before this day are gone
        rows INTEGER NOT NULL,          -- rows deleted by this purge
        purged_at TEXT NOT NULL         -- UTC, YYYY-MM-DDTHH:MM:SS
    );
    "#,
    // 8: facts about the store itself: the fingerprint of the key its usage was
    // pseudonymised with (`pseudonym_key`), so an import or a read under another key is
    // refused instead of giving everyone new pseudonyms.
    r#"
    CREATE TABLE store_meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;
    "#,
    // 9: incrementality experiments (`rhythm import experiments`), the model's evidence.
    r#"
    CREATE TABLE experiment (
        channel TEXT NOT NULL,          -- charter channel id
        start TEXT NOT NULL,            -- YYYY-MM-DD, first day tested
        "end" TEXT NOT NULL,            -- YYYY-MM-DD, last day tested (inclusive)
        incremental_pipeline REAL NOT NULL, -- measured over the tested days, currency
        std_error REAL NOT NULL CHECK (std_error > 0), -- currency; from low/high when given
        low REAL,                       -- the 90% interval, when the file gave one
        high REAL,
        kind TEXT CHECK (kind IN ('geo-lift', 'holdout', 'conversion-lift')), -- the method; NULL: unknown
        note TEXT,
        name TEXT,                      -- NULL: named from channel and days on load
        PRIMARY KEY (channel, start, "end") -- a re-import of the same test replaces it
    ) WITHOUT ROWID;
    "#,
    // 10: the funnel's records as the MAP, CRM and ad platforms hold them.
    r#"
    CREATE TABLE lead (
        id TEXT PRIMARY KEY,            -- the source system's id
        created TEXT NOT NULL,          -- UTC, YYYY-MM-DDTHH:MM:SS
        source TEXT NOT NULL,           -- the lead source as the system writes it
        mql_at TEXT,                    -- UTC; NULL: not (yet) an MQL
        sql_at TEXT,                    -- UTC; NULL: not (yet) an SQL
        geo TEXT,
        segment TEXT,
        first_response_at TEXT          -- UTC: the first sales touch
    ) WITHOUT ROWID;
    CREATE TABLE opportunity (
        id TEXT PRIMARY KEY,
        created TEXT NOT NULL,          -- UTC, YYYY-MM-DDTHH:MM:SS
        amount REAL NOT NULL,
        source TEXT NOT NULL,
        stage TEXT NOT NULL,
        close_date TEXT,                -- YYYY-MM-DD
        won INTEGER CHECK (won IN (0, 1)), -- NULL: open
        "type" TEXT CHECK ("type" IN ('new business', 'renewal', 'expansion')),
        geo TEXT
    ) WITHOUT ROWID;
    CREATE TABLE spend (
        date TEXT NOT NULL,             -- YYYY-MM-DD (a week's total: a day in it)
        platform TEXT NOT NULL,
        campaign TEXT NOT NULL,
        cost REAL NOT NULL,
        account TEXT,
        impressions INTEGER,
        clicks INTEGER,
        PRIMARY KEY (date, platform, campaign)
    ) WITHOUT ROWID;
    "#,
    // 11: which system a record lives in, and a lead's (pseudonymised) e-mail: what the
    // MAP-vs-CRM reconciliation matches records by.
    r#"
    ALTER TABLE lead ADD COLUMN system TEXT;
    ALTER TABLE lead ADD COLUMN email TEXT;     -- lower-cased; pseudonymised under [privacy]
    ALTER TABLE opportunity ADD COLUMN system TEXT;
    "#,
    // 12: what-if scenarios saved from the cockpit's budget plan (`s`), by name.
    r#"
    CREATE TABLE scenario (
        name TEXT PRIMARY KEY,          -- as the user typed it; saving again replaces it
        week TEXT NOT NULL,             -- YYYY-MM-DD: the reviewed week the plan is for
        horizon_weeks INTEGER NOT NULL,
        mode TEXT NOT NULL CHECK (mode IN ('rebalance', 'change-total')),
        saved_at TEXT NOT NULL          -- UTC, YYYY-MM-DDTHH:MM:SS
    );

    CREATE TABLE scenario_channel (
        scenario TEXT NOT NULL REFERENCES scenario (name) ON DELETE CASCADE ON UPDATE CASCADE,
        channel TEXT NOT NULL,
        spend REAL NOT NULL,            -- currency over the horizon
        held INTEGER NOT NULL,          -- 1: the user moved it
        PRIMARY KEY (scenario, channel)
    );                                  -- rowid: the order the channels were saved in
    "#,
    // 13: what a full load kept for the cockpit's first frame (`rhythm::kept`): one row,
    // with what it was computed from; an import of records or channels makes it old
    // (`purges` is no longer compared: a purge erases nothing it sums). Its body is now
    // the records' tallies (`facts::Tallies`); a body an earlier build kept has another
    // key and is not read.
    r#"
    CREATE TABLE kept_weeks (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        key TEXT NOT NULL,              -- SHA-256 of rhythm's version and the charter
        imports INTEGER NOT NULL,       -- the newest import_log id then
        purges INTEGER NOT NULL,        -- the newest purge_log id then
        body TEXT NOT NULL              -- JSON: facts::KeptWeeks
    );
    "#,
];

/// One query per migration, in the same order, counting what that migration left behind
/// (a table it created, a column it added): how a store whose `user_version` was reset
/// tells which version its tables are. Appended with each migration.
pub const MARKERS: &[&str] = &[
    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'channel_week'",
    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'usage_day'",
    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'review_session'",
    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'recommendation'",
    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'dashboard_day'",
    "SELECT COUNT(*) FROM pragma_table_info('delivery') WHERE name = 'review_week'",
    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'purge_log'",
    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'store_meta'",
    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'experiment'",
    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'spend'",
    "SELECT COUNT(*) FROM pragma_table_info('lead') WHERE name = 'email'",
    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'scenario'",
    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'kept_weeks'",
];
