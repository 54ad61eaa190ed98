#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Database.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fleetcheck/core/config_error.hpp"
#include "fleetcheck/serve/history_store.hpp"
#include "temp_dir.hpp"

using namespace fleetcheck;
using namespace std::chrono_literals;
using serve::result_record;
using ::testing::HasSubstr;

namespace {

// A round number of milliseconds: the store keeps times to the millisecond.
const health::wall_clock::time_point t0{std::chrono::milliseconds{1'700'000'000'000}};

result_record record(const std::string& target, health::wall_clock::time_point at,
                     int attempts = 1) {
  result_record r{target, at, {}};
  r.result.outcome = core::outcome::healthy;
  r.result.failure = core::failure::none;
  r.result.failed_phase = core::probe_phase::done;
  r.result.http_status = 200;
  r.result.duration_seconds = 0.012345;
  r.result.attempts = attempts;
  return r;
}

health::transition transition(const std::string& target, health::wall_clock::time_point at,
                              health::state from, health::state to) {
  return {target, "web", from, to, at, "2 consecutive checks"};
}

std::vector<int> attempts_of(const std::vector<result_record>& rs) {
  std::vector<int> out;
  for (const auto& r : rs) out.push_back(r.result.attempts);
  return out;
}

}  // namespace

TEST(sqlite_store, round_trips_every_field_of_a_result) {
  test_support::temp_dir dir;
  auto store = serve::open_sqlite_store(dir.path());

  result_record in{"api", t0 + 1234ms, {}};
  auto& r = in.result;
  r.outcome = core::outcome::unhealthy;
  r.failure = core::failure::condition_failed;
  r.failed_phase = core::probe_phase::transfer;
  r.http_status = 503;
  r.duration_seconds = 1.234567;
  r.phases = {0.000001, 0.002, 0.0305, 0.4, 0.75};
  r.error = "status 503, \"quoted\", ünïcode\nand a second line";
  r.attempts = 3;
  r.redirects = 2;
  r.cert_expires_at = 1'900'000'000;
  r.tls_resumed = true;
  r.failed_conditions = {"[STATUS] (503) == 200", "[BODY].name (\"x\\\") == y"};
  result_record bare{"tcp", t0 + 2s, {}};  // defaults: deadline / not_started, nothing optional
  store->append({in, bare}, {});

  const auto out = store->results("api", t0, 10);
  ASSERT_EQ(out.size(), 1u);
  const auto& o = out[0];
  EXPECT_EQ(o.target, "api");
  EXPECT_EQ(o.at, in.at);
  EXPECT_EQ(o.result.outcome, r.outcome);
  EXPECT_EQ(o.result.failure, r.failure);
  EXPECT_EQ(o.result.failed_phase, r.failed_phase);
  EXPECT_EQ(o.result.http_status, 503);
  EXPECT_DOUBLE_EQ(o.result.duration_seconds, 1.234567);
  EXPECT_DOUBLE_EQ(o.result.phases.resolve, 0.000001);
  EXPECT_DOUBLE_EQ(o.result.phases.connect, 0.002);
  EXPECT_DOUBLE_EQ(o.result.phases.tls, 0.0305);
  EXPECT_DOUBLE_EQ(o.result.phases.first_byte, 0.4);
  EXPECT_DOUBLE_EQ(o.result.phases.transfer, 0.75);
  EXPECT_EQ(o.result.error, r.error);
  EXPECT_EQ(o.result.attempts, 3);
  EXPECT_EQ(o.result.redirects, 2);
  EXPECT_EQ(o.result.cert_expires_at, r.cert_expires_at);
  EXPECT_TRUE(o.result.tls_resumed);
  EXPECT_EQ(o.result.failed_conditions, r.failed_conditions);

  const auto b = store->results("tcp", t0, 10);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].result.outcome, core::outcome::deadline);
  EXPECT_EQ(b[0].result.failure, core::failure::not_started);
  EXPECT_EQ(b[0].result.failed_phase, core::probe_phase::queued);
  EXPECT_FALSE(b[0].result.cert_expires_at.has_value());
  EXPECT_FALSE(b[0].result.tls_resumed);
  EXPECT_TRUE(b[0].result.error.empty());
  EXPECT_TRUE(b[0].result.failed_conditions.empty());
  EXPECT_EQ(store->result_count(), 2u);
}

TEST(sqlite_store, round_trips_the_facts_of_grpc_dns_icmp_tls_and_reused_connections) {
  test_support::temp_dir dir;
  {
    auto store = serve::open_sqlite_store(dir.path());
    auto grpc = record("grpc", t0);
    grpc.result.grpc = core::grpc_facts{true, 12, "SERVICE_UNKNOWN"};
    grpc.result.tls_version = "TLS 1.3";
    auto no_status = record("grpc-reset", t0);
    no_status.result.grpc = core::grpc_facts{false, std::nullopt, ""};
    auto dns = record("dns", t0);
    dns.result.dns = core::dns_reply{"NXDOMAIN", 2, 1, 0, {"10.0.0.1", "txt \"quoted\" ünï"}};
    auto icmp = record("icmp", t0);
    icmp.result.icmp = core::icmp_echo{0.000123, 64};
    auto lost = record("icmp-lost", t0);
    lost.result.icmp = core::icmp_echo{};
    auto kept = record("kept", t0);
    kept.result.connection_reused = true;
    store->append({grpc, no_status, dns, icmp, lost, record("http", t0), kept}, {});
  }
  // Read back by a new process's store: nothing comes from a cache.
  auto store = serve::open_sqlite_store(dir.path());
  const auto one = [&](const std::string& target) {
    const auto rs = store->results(target, t0, 10);
    EXPECT_EQ(rs.size(), 1u) << target;
    return rs.empty() ? core::probe_result{} : rs[0].result;
  };
  const auto grpc = one("grpc");
  ASSERT_TRUE(grpc.grpc.has_value());
  EXPECT_TRUE(grpc.grpc->tls);
  EXPECT_EQ(grpc.grpc->status_code, 12);
  EXPECT_EQ(grpc.grpc->serving_status, "SERVICE_UNKNOWN");
  EXPECT_EQ(grpc.tls_version, "TLS 1.3");
  const auto reset = one("grpc-reset");
  ASSERT_TRUE(reset.grpc.has_value());
  EXPECT_FALSE(reset.grpc->status_code.has_value());
  EXPECT_TRUE(reset.grpc->serving_status.empty());
  const auto dns = one("dns");
  ASSERT_TRUE(dns.dns.has_value());
  EXPECT_EQ(dns.dns->rcode, "NXDOMAIN");
  EXPECT_EQ(dns.dns->answer_rrs, 2);
  EXPECT_EQ(dns.dns->authority_rrs, 1);
  EXPECT_EQ(dns.dns->additional_rrs, 0);
  EXPECT_THAT(dns.dns->answers, ::testing::ElementsAre("10.0.0.1", "txt \"quoted\" ünï"));
  const auto icmp = one("icmp");
  ASSERT_TRUE(icmp.icmp.has_value());
  ASSERT_TRUE(icmp.icmp->rtt_seconds.has_value());
  EXPECT_DOUBLE_EQ(*icmp.icmp->rtt_seconds, 0.000123);
  EXPECT_EQ(icmp.icmp->hop_limit, 64);
  const auto lost = one("icmp-lost");
  ASSERT_TRUE(lost.icmp.has_value());
  EXPECT_FALSE(lost.icmp->rtt_seconds.has_value());
  EXPECT_FALSE(lost.icmp->hop_limit.has_value());
  const auto http = one("http");
  EXPECT_FALSE(http.grpc || http.dns || http.icmp);
  EXPECT_TRUE(http.tls_version.empty());
  EXPECT_FALSE(http.connection_reused);
  const auto kept = one("kept");
  EXPECT_TRUE(kept.connection_reused);
  EXPECT_FALSE(kept.grpc || kept.dns || kept.icmp);
  // The latest result of each target is restored with its facts.
  int restored_with_facts = 0;
  for (const auto& t : store->restore()) {
    ASSERT_TRUE(t.last.has_value());
    if (t.target == "dns") {
      ASSERT_TRUE(t.last->result.dns.has_value());
      EXPECT_EQ(t.last->result.dns->rcode, "NXDOMAIN");
      ++restored_with_facts;
    }
    if (t.target == "grpc") {
      EXPECT_EQ(t.last->result.tls_version, "TLS 1.3");
      ++restored_with_facts;
    }
  }
  EXPECT_EQ(restored_with_facts, 2);
}

TEST(sqlite_store, reads_protocol_facts_of_the_wrong_shape_as_absent) {
  test_support::temp_dir dir;
  auto store = serve::open_sqlite_store(dir.path());
  store->append({record("a", t0), record("b", t0), record("c", t0)}, {});
  {
    SQLite::Database db(dir.path() / "history.db", SQLite::OPEN_READWRITE);
    db.exec(R"sql(UPDATE results SET protocol_facts = CASE target_id
      WHEN 1 THEN 'not json' WHEN 2 THEN '[1,2]'
      ELSE '{"grpc":{"status_code":"x","tls":3},"dns":{"answers":[1,"ok"]},"icmp":7}' END)sql");
  }
  EXPECT_FALSE(store->results("a", t0, 1).at(0).result.grpc.has_value());
  EXPECT_FALSE(store->results("b", t0, 1).at(0).result.dns.has_value());
  const auto c = store->results("c", t0, 1).at(0).result;
  ASSERT_TRUE(c.grpc.has_value());
  EXPECT_FALSE(c.grpc->status_code.has_value());
  EXPECT_FALSE(c.grpc->tls);
  ASSERT_TRUE(c.dns.has_value());
  EXPECT_THAT(c.dns->answers, ::testing::ElementsAre("ok"));
  EXPECT_FALSE(c.icmp.has_value());
}

TEST(sqlite_store, opens_a_schema_1_file_keeps_its_rows_and_stores_protocol_facts_in_it) {
  test_support::temp_dir dir;
  {
    // `sqlite3 history.db .dump` of a file written by fleetcheck before schema 2 (8ce04a7, the
    // kill test's child, cut to three rows): the layout every existing data directory has.
    SQLite::Database db(dir.path() / "history.db", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec(R"sql(
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE schema_version (version INTEGER NOT NULL);
INSERT INTO schema_version VALUES(1);
CREATE TABLE targets (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);
INSERT INTO targets VALUES(1,'target-0');
INSERT INTO targets VALUES(2,'target-1');
INSERT INTO targets VALUES(3,'target-2');
CREATE TABLE results (
  target_id INTEGER NOT NULL REFERENCES targets (id),
  at INTEGER NOT NULL,               -- check finished, Unix milliseconds
  outcome TEXT NOT NULL,
  failure TEXT NOT NULL,
  failed_phase TEXT NOT NULL,
  http_status INTEGER NOT NULL,
  duration_us INTEGER NOT NULL,
  resolve_us INTEGER NOT NULL,
  connect_us INTEGER NOT NULL,
  tls_us INTEGER NOT NULL,
  first_byte_us INTEGER NOT NULL,
  transfer_us INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  redirects INTEGER NOT NULL,
  cert_expires_at INTEGER,           -- Unix seconds; NULL when not a TLS check
  tls_resumed INTEGER NOT NULL,
  error TEXT,                        -- NULL when empty
  failed_conditions TEXT             -- a JSON array of strings; NULL when none failed
);
INSERT INTO results VALUES(1,1700000000000,'healthy','none','queued',0,10000,0,0,0,0,0,1,0,NULL,0,NULL,NULL);
INSERT INTO results VALUES(2,1700000000001,'healthy','none','queued',0,10000,0,0,0,0,0,1,0,NULL,0,NULL,NULL);
INSERT INTO results VALUES(3,1700000000002,'healthy','none','queued',0,10000,0,0,0,0,0,1,0,NULL,0,NULL,NULL);
CREATE TABLE transitions (
  target_id INTEGER NOT NULL REFERENCES targets (id),
  at INTEGER NOT NULL,               -- Unix milliseconds
  target_group TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  reason TEXT NOT NULL
);
CREATE INDEX results_by_target ON results (target_id, at);
CREATE INDEX results_by_age ON results (at);
CREATE INDEX transitions_by_target ON transitions (target_id, at);
CREATE INDEX transitions_by_age ON transitions (at);
COMMIT;)sql");
  }
  auto store = serve::open_sqlite_store(dir.path());
  EXPECT_EQ(store->result_count(), 3u);
  const auto old = store->results("target-1", t0, 10);
  ASSERT_EQ(old.size(), 1u);
  EXPECT_EQ(old[0].at, t0 + 1ms);
  EXPECT_EQ(old[0].result.outcome, core::outcome::healthy);
  EXPECT_DOUBLE_EQ(old[0].result.duration_seconds, 0.01);
  EXPECT_FALSE(old[0].result.grpc || old[0].result.dns || old[0].result.icmp);
  EXPECT_EQ(store->restore().size(), 3u);

  auto dns = record("target-1", t0 + 5ms);
  dns.result.dns = core::dns_reply{"NOERROR", 1, 0, 0, {"127.0.0.1"}};
  store->append({dns}, {});
  const auto both = store->results("target-1", t0, 10);
  ASSERT_EQ(both.size(), 2u);
  ASSERT_TRUE(both[1].result.dns.has_value());
  EXPECT_EQ(both[1].result.dns->answers, std::vector<std::string>{"127.0.0.1"});
  SQLite::Database db(dir.path() / "history.db");
  EXPECT_EQ(db.execAndGet("SELECT version FROM schema_version").getInt(), 2);
}

TEST(sqlite_store, round_trips_every_failure_kind_and_phase) {
  test_support::temp_dir dir;
  auto store = serve::open_sqlite_store(dir.path());
  std::vector<result_record> in;
  for (int f = 0; f <= static_cast<int>(core::failure::not_started); ++f) {
    auto r = record("t", t0 + std::chrono::milliseconds{f}, f);
    r.result.failure = static_cast<core::failure>(f);
    r.result.failed_phase = static_cast<core::probe_phase>(f % 8);
    r.result.outcome = static_cast<core::outcome>(f % 5);
    in.push_back(r);
  }
  store->append(in, {});
  const auto out = store->results("t", t0, 1000);
  ASSERT_EQ(out.size(), in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    EXPECT_EQ(out[i].result.failure, in[i].result.failure) << i;
    EXPECT_EQ(out[i].result.failed_phase, in[i].result.failed_phase) << i;
    EXPECT_EQ(out[i].result.outcome, in[i].result.outcome) << i;
  }
}

TEST(sqlite_store, returns_results_oldest_first_from_since_up_to_limit) {
  test_support::temp_dir dir;
  auto store = serve::open_sqlite_store(dir.path());
  // Appended out of order, over two batches, interleaved with another target.
  store->append({record("a", t0 + 3s, 3), record("b", t0 + 1s, 100), record("a", t0 + 1s, 1)}, {});
  store->append({record("a", t0 + 2s, 2), record("a", t0 + 4s, 4)}, {});

  EXPECT_THAT(attempts_of(store->results("a", t0, 100)), ::testing::ElementsAre(1, 2, 3, 4));
  EXPECT_THAT(attempts_of(store->results("a", t0 + 2s, 100)), ::testing::ElementsAre(2, 3, 4))
      << "since is inclusive";
  EXPECT_THAT(attempts_of(store->results("a", t0 + 2s, 2)), ::testing::ElementsAre(2, 3));
  EXPECT_TRUE(store->results("a", t0 + 5s, 100).empty());
  EXPECT_TRUE(store->results("a", t0, 0).empty());
  EXPECT_TRUE(store->results("nobody", t0, 100).empty());
  EXPECT_THAT(attempts_of(store->results("b", t0, 100)), ::testing::ElementsAre(100));
}

TEST(sqlite_store, returns_transitions_oldest_first_from_since_up_to_limit) {
  test_support::temp_dir dir;
  auto store = serve::open_sqlite_store(dir.path());
  using health::state;
  store->append({}, {transition("a", t0 + 2s, state::healthy, state::unhealthy),
                     transition("a", t0 + 1s, state::unknown, state::healthy),
                     transition("b", t0 + 1s, state::unknown, state::degraded)});
  const auto all = store->transitions("a", t0, 10);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].target, "a");
  EXPECT_EQ(all[0].group, "web");
  EXPECT_EQ(all[0].from, state::unknown);
  EXPECT_EQ(all[0].to, state::healthy);
  EXPECT_EQ(all[0].at, t0 + 1s);
  EXPECT_EQ(all[0].reason, "2 consecutive checks");
  EXPECT_EQ(all[1].to, state::unhealthy);
  EXPECT_EQ(store->transitions("a", t0 + 2s, 10).size(), 1u);
  EXPECT_EQ(store->transitions("a", t0, 1).size(), 1u);
  EXPECT_EQ(store->transitions("b", t0, 10).at(0).to, state::degraded);
}

TEST(sqlite_store, restores_last_state_and_result_after_reopening) {
  test_support::temp_dir dir;
  using health::state;
  {
    auto store = serve::open_sqlite_store(dir.path());
    store->append({record("a", t0 + 1s, 1), record("a", t0 + 3s, 3), record("a", t0 + 2s, 2),
                   record("only-results", t0, 7)},
                  {transition("a", t0 + 1s, state::unknown, state::healthy),
                   transition("a", t0 + 3s, state::healthy, state::unhealthy),
                   transition("only-transitions", t0, state::unknown, state::degraded)});
  }
  auto store = serve::open_sqlite_store(dir.path());
  const auto restored = store->restore();
  ASSERT_EQ(restored.size(), 3u);  // by name
  EXPECT_EQ(restored[0].target, "a");
  EXPECT_EQ(restored[0].state, state::unhealthy);
  EXPECT_EQ(restored[0].since, t0 + 3s);
  ASSERT_TRUE(restored[0].last.has_value());
  EXPECT_EQ(restored[0].last->at, t0 + 3s);
  EXPECT_EQ(restored[0].last->result.attempts, 3);
  EXPECT_EQ(restored[0].last->target, "a");

  EXPECT_EQ(restored[1].target, "only-results");
  EXPECT_EQ(restored[1].state, state::unknown);
  ASSERT_TRUE(restored[1].last.has_value());
  EXPECT_EQ(restored[1].last->result.attempts, 7);

  EXPECT_EQ(restored[2].target, "only-transitions");
  EXPECT_EQ(restored[2].state, state::degraded);
  EXPECT_EQ(restored[2].since, t0);
  EXPECT_FALSE(restored[2].last.has_value());
}

TEST(sqlite_store, prunes_old_rows_but_keeps_each_targets_latest) {
  test_support::temp_dir dir;
  auto store = serve::open_sqlite_store(dir.path());
  using health::state;
  std::vector<result_record> rs;
  // 12,000 rows of "busy" (more than one prune chunk) over 12 s, and one old row of "quiet".
  for (int i = 0; i < 12'000; ++i)
    rs.push_back(record("busy", t0 + std::chrono::milliseconds{i}, i));
  rs.push_back(record("quiet", t0, 42));
  store->append(rs, {transition("busy", t0, state::unknown, state::healthy),
                     transition("busy", t0 + 5s, state::healthy, state::unhealthy),
                     transition("busy", t0 + 11s, state::unhealthy, state::healthy),
                     transition("quiet", t0, state::unknown, state::healthy)});

  const std::size_t deleted = store->prune(t0 + 10s);
  EXPECT_EQ(deleted, 10'000u + 2u);  // busy's first 10 s of results and its first 2 transitions
  EXPECT_EQ(store->result_count(), 2'000u + 1u);
  const auto busy = store->results("busy", t0, 100'000);
  ASSERT_FALSE(busy.empty());
  EXPECT_EQ(busy.front().at, t0 + 10s);
  EXPECT_EQ(store->transitions("busy", t0, 10).size(), 1u);

  const auto restored = store->restore();
  ASSERT_EQ(restored.size(), 2u);
  EXPECT_EQ(restored[1].target, "quiet");
  EXPECT_EQ(restored[1].state, state::healthy) << "a quiet target keeps its last transition";
  ASSERT_TRUE(restored[1].last.has_value());
  EXPECT_EQ(restored[1].last->result.attempts, 42);

  EXPECT_EQ(store->prune(t0 + 10s), 0u) << "nothing left to prune";
  // Far in the future: everything but the latest row of each target goes.
  store->prune(t0 + 24h);
  EXPECT_EQ(store->result_count(), 2u);
}

TEST(sqlite_store, creates_the_schema_in_an_empty_file_and_records_its_version) {
  test_support::temp_dir dir;
  std::ofstream(dir.path() / "history.db").close();  // zero bytes, as `touch` leaves it
  {
    auto store = serve::open_sqlite_store(dir.path());
    store->append({record("a", t0)}, {});
  }
  SQLite::Database db(dir.path() / "history.db");
  EXPECT_EQ(db.execAndGet("SELECT version FROM schema_version").getInt(), 2);
  EXPECT_EQ(db.execAndGet("PRAGMA journal_mode").getString(), "wal");
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM results").getInt(), 1);
  // Opening again migrates nothing and loses nothing.
  auto store = serve::open_sqlite_store(dir.path());
  EXPECT_EQ(store->result_count(), 1u);
}

TEST(sqlite_store, creates_a_missing_data_directory) {
  test_support::temp_dir dir;
  auto store = serve::open_sqlite_store(dir.path() / "a" / "b");
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "a" / "b" / "history.db"));
}

TEST(sqlite_store, refuses_a_file_that_is_not_a_database_naming_it) {
  test_support::temp_dir dir;
  std::ofstream(dir.path() / "history.db") << std::string(4096, 'x') << "not a database\n";
  try {
    serve::open_sqlite_store(dir.path());
    FAIL() << "opened a file that is not a database";
  } catch (const core::config_error& e) {
    EXPECT_THAT(e.what(), HasSubstr((dir.path() / "history.db").string()));
    EXPECT_THAT(e.what(), HasSubstr("not a fleetcheck history database"));
  }
}

TEST(sqlite_store, refuses_a_corrupted_database_naming_it) {
  test_support::temp_dir dir;
  { serve::open_sqlite_store(dir.path())->append({record("a", t0)}, {}); }
  {
    // Garbage over the schema page (page 1, after the 100-byte file header).
    std::fstream f(dir.path() / "history.db", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(100);
    const std::string garbage(2000, '\x5a');
    f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  try {
    serve::open_sqlite_store(dir.path());
    FAIL() << "opened a corrupted database";
  } catch (const core::config_error& e) {
    EXPECT_THAT(e.what(), HasSubstr((dir.path() / "history.db").string()));
    EXPECT_THAT(e.what(), HasSubstr("malformed"));
  }
}

TEST(sqlite_store, refuses_a_data_directory_that_is_a_file) {
  test_support::temp_dir dir;
  std::ofstream(dir.path() / "file") << "x";
  EXPECT_THROW(serve::open_sqlite_store(dir.path() / "file"), core::config_error);
}

TEST(sqlite_store, refuses_a_schema_from_a_newer_release) {
  test_support::temp_dir dir;
  serve::open_sqlite_store(dir.path());
  {
    SQLite::Database db(dir.path() / "history.db", SQLite::OPEN_READWRITE);
    db.exec("UPDATE schema_version SET version = 99");
  }
  try {
    serve::open_sqlite_store(dir.path());
    FAIL() << "opened a newer schema";
  } catch (const core::config_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("schema version 99"));
  }
}

TEST(sqlite_store, reads_while_another_thread_writes) {
  test_support::temp_dir dir;
  auto store = serve::open_sqlite_store(dir.path());
  std::thread writer([&] {
    for (int batch = 0; batch < 50; ++batch) {
      std::vector<result_record> rs;
      for (int i = 0; i < 100; ++i)
        rs.push_back(record("a", t0 + std::chrono::milliseconds{batch * 100 + i}));
      store->append(rs, {});
    }
  });
  std::size_t last = 0;
  for (int i = 0; i < 200; ++i) {
    const auto n = store->results("a", t0, 1'000'000).size();
    EXPECT_EQ(n % 100, 0u) << "a reader sees whole batches";
    EXPECT_GE(n, last) << "and never goes back";
    last = n;
  }
  writer.join();
  EXPECT_EQ(store->result_count(), 5000u);
}

TEST(sqlite_store, a_failed_append_stores_nothing_and_the_store_stays_usable) {
  test_support::temp_dir dir;
  auto store = serve::open_sqlite_store(dir.path());
  store->append({record("a", t0)}, {});
  {
    // A trigger that fails the third row of the next batch, as a full disk would mid-way.
    SQLite::Database db(dir.path() / "history.db", SQLite::OPEN_READWRITE);
    db.exec(
        "CREATE TRIGGER fail_third BEFORE INSERT ON results WHEN NEW.attempts = 3 "
        "BEGIN SELECT RAISE(ABORT, 'disk on fire'); END");
  }
  try {
    store->append({record("new-target", t0, 1), record("a", t0, 2), record("a", t0, 3)}, {});
    FAIL() << "append succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("history.db"));
    EXPECT_THAT(e.what(), HasSubstr("disk on fire"));
  }
  EXPECT_EQ(store->result_count(), 1u);
  EXPECT_EQ(store->restore().size(), 1u) << "the rolled-back target is gone too";
  store->append({record("new-target", t0, 1)}, {});
  EXPECT_EQ(store->results("new-target", t0, 10).size(), 1u);
}
