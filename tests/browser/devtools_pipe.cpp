#include "devtools_pipe.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

namespace fleetcheck::test_support {

devtools_pipe::devtools_pipe(const std::string& timeout_program, const std::string& chromium,
                             const std::string& profile) {
  int to[2], from[2];
  if (::pipe(to) != 0 || ::pipe(from) != 0) return;
  pid_ = ::fork();
  if (pid_ == 0) {
    // Out of the way of 3 and 4 first: the pipe's own descriptors may be 3 or 4.
    const int in = ::fcntl(to[0], F_DUPFD, 10), out = ::fcntl(from[1], F_DUPFD, 10);
    ::dup2(in, 3);
    ::dup2(out, 4);
    const int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, 1);
    ::dup2(null, 2);
    for (int fd = 5; fd < 1024; ++fd) ::close(fd);
    std::vector<std::string> args{timeout_program,
                                  "120",
                                  chromium,
                                  "--headless=new",
                                  "--no-sandbox",
                                  "--disable-gpu",
                                  "--remote-debugging-pipe",
                                  "--user-data-dir=" + profile,
                                  "about:blank"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(to[0]);
  ::close(from[1]);
  to_browser_ = to[1];
  from_browser_ = from[0];
}

devtools_pipe::~devtools_pipe() {
  if (to_browser_ >= 0) ::close(to_browser_);
  if (from_browser_ >= 0) ::close(from_browser_);
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);  // timeout passes it on to the browser
    for (int i = 0; i < 200 && ::waitpid(pid_, nullptr, WNOHANG) == 0; ++i) ::usleep(10000);
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

nlohmann::json devtools_pipe::call(const std::string& method, nlohmann::json params,
                                   std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  const int id = ++next_id_;
  nlohmann::json message{{"id", id}, {"method", method}, {"params", std::move(params)}};
  if (!session_.empty()) message["sessionId"] = session_;
  const auto text = message.dump() + '\0';
  if (::write(to_browser_, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    return nullptr;
  }
  for (;;) {
    // Answers and events, NUL-separated; events and other answers are skipped.
    for (auto end = buffered_.find('\0'); end != std::string::npos; end = buffered_.find('\0')) {
      auto answer = nlohmann::json::parse(buffered_.substr(0, end), nullptr, false);
      buffered_.erase(0, end + 1);
      if (answer.is_object() && answer.value("id", -1) == id) return answer;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return nullptr;
    pollfd p{from_browser_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return nullptr;
    char chunk[65536];
    const auto n = ::read(from_browser_, chunk, sizeof chunk);
    if (n <= 0) return nullptr;
    buffered_.append(chunk, static_cast<std::size_t>(n));
  }
}

bool devtools_pipe::open(const std::string& url) {
  const auto created = call("Target.createTarget", {{"url", url}}, std::chrono::seconds(30));
  if (!created.contains("result")) return false;
  const auto attached = call("Target.attachToTarget",
                             {{"targetId", created["result"]["targetId"]}, {"flatten", true}},
                             std::chrono::seconds(10));
  if (!attached.contains("result")) return false;
  session_ = attached["result"]["sessionId"].get<std::string>();
  return true;
}

nlohmann::json devtools_pipe::evaluate(const std::string& expression,
                                       std::chrono::milliseconds timeout) {
  const auto answer =
      call("Runtime.evaluate", {{"expression", expression}, {"returnByValue", true}}, timeout);
  if (!answer.contains("result") || answer["result"].contains("exceptionDetails")) return nullptr;
  return answer["result"]["result"].value("value", nlohmann::json());
}

}  // namespace fleetcheck::test_support
