#pragma once
// A real gRPC server for tests: Debian's python3-grpcio (the C-core HTTP/2 transport) serving
// grpc.health.v1.Health/Check through a generic handler with hand-encoded messages (Debian does
// not package grpc_health), plain and with TLS, started once per test suite on loopback ports of
// its own. Tests are skipped, saying why, only when grpcio is not installed or the server cannot
// start.
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "child_server.hpp"
#include "mock_fixture.hpp"
#include "test_certs.hpp"

namespace fleetcheck::test_support {

// Debian's interpreter: a python3 earlier on PATH (pyenv, venv) may not have grpcio.
inline constexpr const char* python = "/usr/bin/python3";

inline constexpr const char* health_server = R"PY(
import sys, time
from concurrent import futures
import grpc

port, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
tls_port = int(sys.argv[4])

def service_of(request):
    # HealthCheckRequest{string service = 1}: tag 0x0a, a one-byte length (short names only)
    return request[2:2 + request[1]].decode() if len(request) > 2 and request[0] == 0x0a else ""

def check(request, context):
    service = service_of(request)
    if service == "":
        return b"\x08\x01"                      # SERVING
    if service == "down":
        return b"\x08\x02"                      # NOT_SERVING
    if service == "unknown":
        return b""                              # UNKNOWN, the proto3 default left out
    if service == "deadline":
        # grpc-timeout arrived when the server sees a deadline of about the check's timeout
        left = context.time_remaining()
        return b"\x08\x01" if left is not None and 0 < left <= 3.5 else b"\x08\x02"
    if service == "slow":
        time.sleep(3)
        return b"\x08\x01"
    if service == "peer":
        # which connection the call came on: the client's address and port
        context.abort(grpc.StatusCode.FAILED_PRECONDITION, "peer " + context.peer())
    if service == "draining":
        context.abort(grpc.StatusCode.UNAVAILABLE, "draining: 50% done")
    context.abort(grpc.StatusCode.NOT_FOUND, "unknown service " + service)

handler = grpc.method_handlers_generic_handler(
    "grpc.health.v1.Health", {"Check": grpc.unary_unary_rpc_method_handler(check)})
server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
server.add_generic_rpc_handlers((handler,))
server.add_insecure_port("127.0.0.1:%d" % port)
with open(key, "rb") as k, open(cert, "rb") as c:
    creds = grpc.ssl_server_credentials([(k.read(), c.read())])
server.add_secure_port("127.0.0.1:%d" % tls_port, creds)
server.start()
print("serving", flush=True)
server.wait_for_termination()
)PY";

class grpcio_fixture : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (::access(python, X_OK) != 0 ||
        std::system((std::string(python) + " -c 'import grpc' 2>/dev/null").c_str()) != 0) {
      return;
    }
    installed_ = true;
    dir_ = ::testing::TempDir() + "fleetcheck-grpcio-" + std::to_string(::getpid());
    std::system(("mkdir -p " + dir_).c_str());
    pki_ = std::make_unique<test_support::test_pki>(dir_ + "/pki");
    const auto cert = pki_->issue("grpc", {"127.0.0.1"});
    std::ofstream(dir_ + "/health_server.py") << health_server;
    port_ = test_support::free_port();
    tls_port_ = test_support::free_port();
    server_ = std::make_unique<test_support::child_server>(
        std::vector<std::string>{python, dir_ + "/health_server.py", std::to_string(port_),
                                 cert.cert, cert.key, std::to_string(tls_port_)},
        dir_ + "/server.out");
    up_ = server_->wait_for_port(port_, 10.0) && server_->wait_for_port(tls_port_, 10.0);
  }
  static void TearDownTestSuite() {
    server_.reset();
    pki_.reset();
  }
  void SetUp() override {
    if (!installed_) {
      GTEST_SKIP() << python << " with grpc is not installed (scripts/bootstrap installs "
                   << "python3-grpcio)";
    }
    if (!up_) GTEST_SKIP() << "the grpcio server did not start; see " << dir_ << "/server.out";
  }

  static core::target target(const std::string& service, bool tls = false,
                             core::duration timeout = std::chrono::seconds(3)) {
    core::check_settings s;
    s.timeout = timeout;
    s.tls.ca_file = pki_->ca_file();
    const auto url = fmt::format("{}://127.0.0.1:{}{}", tls ? "grpcs" : "grpc",
                                 tls ? tls_port_ : port_, service.empty() ? "" : "/" + service);
    return test_support::make_target(url, "t", s);
  }

  static inline std::string dir_;
  static inline unsigned short port_ = 0, tls_port_ = 0;
  static inline bool installed_ = false, up_ = false;
  static inline std::unique_ptr<test_support::test_pki> pki_;
  static inline std::unique_ptr<test_support::child_server> server_;
};

}  // namespace fleetcheck::test_support
