#include "harness/report/report_html.h"

#include <stdexcept>

#include "common/embedded.h"
#include "common/version.h"
#include "harness/check/check.h"
#include "harness/check/junit.h"

namespace callsim::harness {

// The report's text goes through the JUnit writer's escaping: the five markup characters, control
// characters as references, and invalid UTF-8 replaced, so a hostile scenario name cannot break
// a page either.
std::string html_escape(std::string_view text) { return xml_attr(text); }

std::string url_path(std::string_view path) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.' || c == '~' || c == '/';
    if (keep) {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string render_template(std::string_view tmpl, const std::map<std::string, std::string>& values) {
  std::string out;
  size_t pos = 0;
  while (pos < tmpl.size()) {
    const size_t open = tmpl.find("{{", pos);
    if (open == std::string_view::npos) break;
    const size_t close = tmpl.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    out.append(tmpl.substr(pos, open - pos));
    const std::string name(tmpl.substr(open + 2, close - open - 2));
    auto it = values.find(name);
    if (it == values.end()) throw std::logic_error("report template: no value for {{" + name + "}}");
    out += it->second;
    pos = close + 2;
  }
  out.append(tmpl.substr(pos));
  return out;
}

std::string_view report_asset(const std::string& name) {
  auto text = find_embedded("reports/templates/" + name);
  if (!text) throw std::logic_error("report template not embedded: " + name);
  return *text;
}

std::string html_breakable(std::string_view text) {
  std::string out;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] == '/' || text[i] == '_') {
      out += html_escape(text.substr(start, i + 1 - start)) + "<wbr>";
      start = i + 1;
    }
  return out + html_escape(text.substr(start));
}

std::string render_page(const PageInfo& info, const std::string& body_html) {
  return render_template(report_asset("page.html"), {{"title", html_escape(info.title)},
                                                     {"root", html_escape(info.root)},
                                                     {"subtitle", html_escape(info.subtitle)},
                                                     {"sources", html_escape(info.sources)},
                                                     {"version", kVersion},
                                                     {"body", body_html}});
}

Cell text_cell(const std::string& text, const std::string& css_class) {
  return Cell{html_escape(text), "", css_class};
}

Cell number_cell(const std::string& metric, const double* value) {
  if (!value) return Cell{"n/a", "", "num muted"};
  return Cell{format_metric(metric, *value), format_metric(metric, *value), "num"};
}

std::string html_table(const std::vector<std::string>& headers, const std::vector<std::vector<Cell>>& rows,
                       bool sortable, const std::string& id) {
  std::string out = "<table" + std::string(sortable ? " class=\"sortable\"" : "") +
                    (id.empty() ? "" : " id=\"" + html_escape(id) + "\"") + ">\n<thead><tr>";
  for (const auto& h : headers) out += "<th>" + html_escape(h) + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : rows) {
    out += "<tr>";
    for (const auto& c : row) {
      out += "<td";
      if (!c.css_class.empty()) out += " class=\"" + html_escape(c.css_class) + "\"";
      if (!c.sort_key.empty()) out += " data-v=\"" + html_escape(c.sort_key) + "\"";
      out += ">" + c.html + "</td>";
    }
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table>\n";
}

std::string unique_slug(const std::string& id, std::map<std::string, int>* taken) {
  std::string base;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    base += ok ? c : '_';
  }
  if (base.empty() || base[0] == '.') base = "_" + base;
  std::string slug = base;
  for (int n = 2; taken->count(slug); ++n) slug = base + "-" + std::to_string(n);
  (*taken)[slug] = 1;
  return slug;
}

}  // namespace callsim::harness
