// HTML building blocks of the report: escaping, the page template (reports/templates/page.html,
// compiled into the binary with report.css and report.js), sortable tables, and file-name-safe
// slugs for call ids ("smoke/3g/nb12" → "smoke_3g_nb12").
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace callsim::harness {

std::string html_escape(std::string_view text);
// html_escape with a <wbr> (a line-break opportunity) after every '/' and '_', so long call ids and
// metric names wrap between words instead of widening a table or breaking mid-word.
std::string html_breakable(std::string_view text);
// A relative file path as a URL path: every byte but unreserved characters and '/' %-encoded.
std::string url_path(std::string_view path);

// Replaces every {{name}} of `tmpl` by values.at(name) in one pass (inserted text is not
// scanned again). An unknown name is a programming error (std::logic_error).
std::string render_template(std::string_view tmpl, const std::map<std::string, std::string>& values);

// A file of reports/templates/ as compiled into the binary.
std::string_view report_asset(const std::string& name);

struct PageInfo {
  std::string title;     // plain text
  std::string root;      // relative path from the page to the report root: "" or "../../"
  std::string subtitle;  // plain text: run date and sources
  std::string sources;   // plain text
};
std::string render_page(const PageInfo& info, const std::string& body_html);

// One table cell: HTML content, an optional sort key (data-v) and class.
struct Cell {
  std::string html;
  std::string sort_key;  // empty: sort by text
  std::string css_class;
};
Cell text_cell(const std::string& text, const std::string& css_class = "");
Cell number_cell(const std::string& metric, const double* value);  // "n/a" when null

// A <table>; sortable ones get click-to-sort headers from report.js.
std::string html_table(const std::vector<std::string>& headers, const std::vector<std::vector<Cell>>& rows,
                       bool sortable, const std::string& id = "");

// A file-name-safe, unique slug: [A-Za-z0-9._-] kept, anything else '_' ; "-2", "-3" appended
// when `taken` already holds it. Adds the result to `taken`.
std::string unique_slug(const std::string& id, std::map<std::string, int>* taken);

}  // namespace callsim::harness
