#include "test_certs.hpp"

#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

namespace fleetcheck::test_support {
namespace {

EVP_PKEY* new_key() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (key == nullptr) throw std::runtime_error("EVP_EC_gen failed");
  return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) throw std::runtime_error("bad extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

X509* make_cert(EVP_PKEY* key, const std::string& common_name, X509* issuer, EVP_PKEY* issuer_key,
                int from_days, int to_days, bool is_ca, const std::string& san) {
  static long serial = 1;
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert), static_cast<long>(from_days) * 86400);
  X509_gmtime_adj(X509_getm_notAfter(cert), static_cast<long>(to_days) * 86400);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509* signer = issuer != nullptr ? issuer : cert;
  X509_set_issuer_name(cert, X509_get_subject_name(signer));
  add_extension(cert, signer, NID_basic_constraints, is_ca ? "critical,CA:TRUE" : "CA:FALSE");
  if (is_ca) add_extension(cert, signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  if (!san.empty()) add_extension(cert, signer, NID_subject_alt_name, san.c_str());
  X509_sign(cert, issuer_key != nullptr ? issuer_key : key, EVP_sha256());
  return cert;
}

void write_pem(const std::string& path, X509* cert, EVP_PKEY* key) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) throw std::runtime_error("cannot write " + path);
  if (cert != nullptr) PEM_write_X509(f, cert);
  if (key != nullptr) PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
}

}  // namespace

test_pki::test_pki(const std::string& directory) : directory_(directory) {
  std::filesystem::create_directories(directory_);
  auto* key = new_key();
  auto* cert = make_cert(key, "fleetcheck test CA", nullptr, nullptr, -1, 365, true, "");
  ca_ = {directory_ + "/ca.pem", directory_ + "/ca-key.pem"};
  write_pem(ca_.cert, cert, nullptr);
  write_pem(ca_.key, nullptr, key);
  ca_key_ = key;
  ca_cert_ = cert;
}

test_pki::~test_pki() {
  X509_free(static_cast<X509*>(ca_cert_));
  EVP_PKEY_free(static_cast<EVP_PKEY*>(ca_key_));
}

cert_files test_pki::issue(const std::string& stem, const std::vector<std::string>& names,
                           int from_days, int to_days, bool self_signed) {
  std::string san;
  for (const auto& n : names) {
    const bool ip =
        n.find_first_not_of("0123456789.") == std::string::npos || n.find(':') != std::string::npos;
    san += (san.empty() ? "" : ",") + std::string(ip ? "IP:" : "DNS:") + n;
  }
  auto* key = new_key();
  auto* cert = self_signed
                   ? make_cert(key, names.front(), nullptr, nullptr, from_days, to_days, false, san)
                   : make_cert(key, names.front(), static_cast<X509*>(ca_cert_),
                               static_cast<EVP_PKEY*>(ca_key_), from_days, to_days, false, san);
  cert_files files{directory_ + "/" + stem + ".pem", directory_ + "/" + stem + "-key.pem"};
  write_pem(files.cert, cert, nullptr);
  write_pem(files.key, nullptr, key);
  X509_free(cert);
  EVP_PKEY_free(key);
  return files;
}

}  // namespace fleetcheck::test_support
