#include "serve/page/html.hpp"

#include <cctype>

#include "fleetcheck/report/text.hpp"

namespace fleetcheck::serve::page {

std::string html_escape(std::string_view text) {
  // The report's XML escaping serves HTML too (and the inline SVG inside it, which is XML):
  // markup and quotes escaped, invalid UTF-8 and the controls XML forbids replaced.
  return report::xml_escape(text);
}

std::string url_encode(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += hex[u >> 4];
      out += hex[u & 15];
    }
  }
  return out;
}

}  // namespace fleetcheck::serve::page
