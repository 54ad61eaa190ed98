#include <fmt/format.h>

#include "serve/page/html.hpp"
#include "serve/page/render.hpp"

namespace fleetcheck::serve::page {

std::string badge_svg(std::string_view label, health::state s) {
  // Gatus's colours: green, red, amber, grey.
  const char* colour = "#9f9f9f";
  switch (s) {
    case health::state::healthy:
      colour = "#40cc40";
      break;
    case health::state::unhealthy:
      colour = "#c7130a";
      break;
    case health::state::degraded:
      colour = "#dfb317";
      break;
    case health::state::unknown:
      break;
  }
  const auto value = health::to_string(s);
  // Widths from a fixed 7 px per character: no font metrics on the server.
  const int left = 10 + 7 * static_cast<int>(label.size());
  const int right = 10 + 7 * static_cast<int>(value.size());
  const auto text = html_escape(label);
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"20\" role=\"img\" "
      "aria-label=\"{1}: {2}\"><title>{1}: {2}</title>"
      "<rect width=\"{3}\" height=\"20\" fill=\"#555\"/>"
      "<rect x=\"{3}\" width=\"{4}\" height=\"20\" fill=\"{5}\"/>"
      "<g fill=\"#fff\" text-anchor=\"middle\" font-family=\"Verdana,DejaVu Sans,sans-serif\" "
      "font-size=\"11\"><text x=\"{6}\" y=\"14\">{1}</text><text x=\"{7}\" y=\"14\">{2}</text>"
      "</g></svg>\n",
      left + right, text, value, left, right, colour, left / 2, left + right / 2);
}

}  // namespace fleetcheck::serve::page
