#pragma once
// Test support: a throwaway CA and certificates, written as PEM files, for HTTPS tests.

#include <string>
#include <vector>

namespace fleetcheck::test_support {

struct cert_files {
  std::string cert;  ///< PEM certificate
  std::string key;   ///< PEM private key
};

/// A CA and the leaf certificates it signs, in a fresh directory.
class test_pki {
 public:
  explicit test_pki(const std::string& directory);
  ~test_pki();
  test_pki(const test_pki&) = delete;
  test_pki& operator=(const test_pki&) = delete;

  const std::string& ca_file() const { return ca_.cert; }

  /// A leaf for `names` (DNS names or IP addresses), valid from `from_days` to `to_days` relative
  /// to now; signed by the CA, or by itself when `self_signed`.
  cert_files issue(const std::string& stem, const std::vector<std::string>& names,
                   int from_days = -1, int to_days = 30, bool self_signed = false);

 private:
  std::string directory_;
  cert_files ca_;
  void* ca_key_ = nullptr;   // EVP_PKEY*
  void* ca_cert_ = nullptr;  // X509*
};

}  // namespace fleetcheck::test_support
