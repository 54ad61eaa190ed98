// kill -9 in the middle of writing: the database must open again, intact, holding a prefix of
// what was added (each batch is one transaction, written in the order of adding).

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>

#include "fleetcheck/serve/history_store.hpp"
#include "temp_dir.hpp"

extern char** environ;

using namespace fleetcheck;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

namespace {

constexpr std::int64_t base_ms = 1'700'000'000'000;

struct progress {
  steady::time_point when;
  long long added = 0;
};

/// Runs the child until `run_for` after its first progress line, then SIGKILLs it. Returns the
/// progress lines it printed; fails the test if the child died on its own.
std::vector<progress> run_and_kill(const std::filesystem::path& dir, steady::duration run_for) {
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe2");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  const std::string data_dir = dir.string();
  const std::string base = std::to_string(base_ms);
  std::vector<char*> argv{const_cast<char*>(FLEETCHECK_HISTORY_CHILD_BIN),
                          const_cast<char*>(data_dir.c_str()), const_cast<char*>(base.c_str()),
                          nullptr};
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  if (spawned != 0) {
    ::close(out[0]);
    throw std::runtime_error("posix_spawn");
  }

  std::vector<progress> seen;
  std::string pending;
  // Reads what the child printed so far; false at end of file (the child is gone).
  const auto read_some = [&] {
    char buf[4096];
    const ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n <= 0) return false;
    pending.append(buf, static_cast<std::size_t>(n));
    for (auto eol = pending.find('\n'); eol != std::string::npos; eol = pending.find('\n')) {
      seen.push_back({steady::now(), std::stoll(pending.substr(6, eol - 6))});  // "added N"
      pending.erase(0, eol + 1);
    }
    return true;
  };
  const auto give_up = steady::now() + 20s;  // the child's first line is due within ~0.1 s
  for (;;) {
    const auto now = steady::now();
    if (now >= give_up) break;
    if (!seen.empty() && now >= seen.front().when + run_for) break;
    pollfd p{out[0], POLLIN, 0};
    if (::poll(&p, 1, 10) > 0 && !read_some()) break;
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  while (read_some()) {
    // the lines still in the pipe: the last count the child reached
  }
  ::close(out[0]);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the child ended on its own (status " << status << ")";
  return seen;
}

}  // namespace

TEST(history_kill, a_killed_writer_leaves_an_intact_prefix_missing_at_most_the_last_moments) {
  const auto seed = std::random_device{}();
  std::mt19937 random(seed);
  SCOPED_TRACE("seed " + std::to_string(seed));
  for (int round = 0; round < 3; ++round) {
    test_support::temp_dir dir;
    const auto run_for =
        std::chrono::milliseconds{std::uniform_int_distribution<int>(500, 3000)(random)};
    SCOPED_TRACE("round " + std::to_string(round) + ", killed " + std::to_string(run_for.count()) +
                 " ms after the first 1,000 results");
    const auto seen = run_and_kill(dir.path(), run_for);
    const auto killed_at = steady::now();
    ASSERT_FALSE(seen.empty()) << "the child never reported progress";

    std::vector<std::int64_t> ats;
    {
      // Read-write: opening replays the WAL the killed process left behind.
      SQLite::Database db(dir.path() / "history.db", SQLite::OPEN_READWRITE);
      EXPECT_EQ(db.execAndGet("PRAGMA integrity_check").getString(), "ok");
      SQLite::Statement q(db, "SELECT at FROM results ORDER BY at");
      while (q.executeStep()) ats.push_back(q.getColumn(0).getInt64());
    }
    ASSERT_FALSE(ats.empty()) << "nothing committed after " << seen.back().added << " added";
    for (std::size_t i = 0; i < ats.size(); ++i) {
      ASSERT_EQ(ats[i], base_ms + static_cast<std::int64_t>(i)) << "a hole at row " << i;
    }
    EXPECT_LE(static_cast<long long>(ats.size()), seen.back().added + 1000)
        << "more rows than were added (it prints every 1,000)";
    // Loose on purpose (the machine is shared): what was added 1.5 s before the kill is stored,
    // though the writer commits every 250 ms.
    for (const auto& p : seen) {
      if (p.when + 1500ms <= killed_at) {
        EXPECT_GE(static_cast<long long>(ats.size()), p.added) << "lost more than the last 1.5 s";
      }
    }

    // And the store itself opens it and carries on.
    auto store = serve::open_sqlite_store(dir.path());
    EXPECT_EQ(store->result_count(), ats.size());
    EXPECT_EQ(store->restore().size(), std::min<std::size_t>(ats.size(), 97));
  }
}
