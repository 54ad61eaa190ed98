#include "serve_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <gtest/gtest.h>

#include "child_server.hpp"

namespace fleetcheck::test_support {

http_answer http_request(unsigned short port, const std::string& method, const std::string& target,
                         const std::vector<std::string>& headers, std::chrono::milliseconds timeout,
                         const std::string& body) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  http_answer answer;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return answer;
  }
  std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (const auto& h : headers) request += h + "\r\n";
  request += "Connection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  request += body;
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) < 0) {
    ::close(fd);
    return answer;
  }
  std::string raw;
  char buffer[65536];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    const auto n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    raw.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  const auto end_of_head = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.1 ", 0) != 0 || end_of_head == std::string::npos) return answer;
  answer.status = std::stoi(raw.substr(9, 3));
  answer.head = raw.substr(0, end_of_head);
  answer.body = raw.substr(end_of_head + 4);
  return answer;
}

serve_process::serve_process(std::vector<std::string> args, bool add_data_dir) {
  port_ = free_port();
  log_file_ = ::testing::TempDir() + "serve-" + std::to_string(::getpid()) + "-" +
              std::to_string(port_) + ".log";
  args.insert(args.begin(), {FLEETCHECK_BIN, "serve"});
  args.push_back("--listen");
  args.push_back("127.0.0.1:" + std::to_string(port_));
  if (add_data_dir) {
    args.push_back("--data-dir");
    args.push_back("");
  }
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    const int log = ::open(log_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (log >= 0) {
      ::dup2(log, 1);
      ::dup2(log, 2);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
}

serve_process::~serve_process() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

bool serve_process::wait_ready(double seconds) const {
  return eventually([&] { return http_get(port_, "/readyz").status == 200; },
                    std::chrono::milliseconds(static_cast<long>(seconds * 1000)));
}

void serve_process::signal(int s) const {
  if (pid_ > 0) ::kill(pid_, s);
}

int serve_process::wait_exit(std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (pid_ > 0) {
    int status = 0;
    const auto done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    if (std::chrono::steady_clock::now() >= until) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return -1;
}

std::string serve_process::log() const {
  std::ifstream in(log_file_);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace fleetcheck::test_support
