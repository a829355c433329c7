// The "Scenario" section of a call page, from result.json's "scenario" object: what the call
// simulates (description), where its numbers come from (source), its tags, and the settings of
// each network link as configured (a profile reference with the profile's own settings and the
// override), one table per link.
#include <algorithm>

#include "harness/report/report_html.h"
#include "harness/report/report_internal.h"

namespace callsim::harness::report_detail {
namespace {

using nlohmann::json;

// "key=value" pairs of an object, nested objects as dotted keys: "set.delay.base_ms=110".
void inline_pairs(const json& j, const std::string& prefix, std::string* out) {
  for (const auto& [key, value] : j.items()) {
    if (key == "name" && prefix.empty()) continue;  // leads the row instead
    if (value.is_object()) {
      inline_pairs(value, prefix + key + ".", out);
      continue;
    }
    *out += (out->empty() ? "" : ", ") + prefix + key + "=" + value_text(value);
  }
}

// Objects as dotted names; each element of an array of objects (phases) as one row "name[i]" with
// its name first, then its settings inline; other arrays as compact JSON.
void flatten(const json& j, const std::string& prefix, std::vector<std::vector<Cell>>* rows) {
  if (j.is_object()) {
    for (const auto& [key, value] : j.items()) flatten(value, prefix.empty() ? key : prefix + "." + key, rows);
    return;
  }
  const bool objects = j.is_array() && !j.empty() &&
                       std::all_of(j.begin(), j.end(), [](const json& e) { return e.is_object(); });
  if (!objects) {
    rows->push_back({text_cell(prefix), text_cell(value_text(j))});
    return;
  }
  for (size_t i = 0; i < j.size(); ++i) {
    std::string text = j[i].contains("name") ? value_text(j[i].at("name")) + ": " : "";
    std::string pairs;
    inline_pairs(j[i], "", &pairs);
    rows->push_back({text_cell(prefix + "[" + std::to_string(i) + "]"), text_cell(text + pairs)});
  }
}

std::string link_block(const std::string& name, const json& link) {
  std::string out = "<div class=\"link\"><h3>" + html_escape(name) + "</h3>\n";
  std::vector<std::vector<Cell>> rows;
  json settings = link;
  if (link.contains("profile") && link.contains("profile_settings")) {
    settings = link.at("profile_settings");
    out += "<p>Profile <b>" + html_escape(value_text(link.at("profile"))) + "</b> (" +
           html_escape(value_text(link.value("profile_file", json("")))) + ")" +
           (link.contains("override") ? ", with the override below." : ".") + "</p>\n";
  }
  for (const char* key : {"description", "source"})
    if (settings.contains(key) && settings.at(key).is_string()) {
      out += "<p class=\"" + std::string(key) + "\">" + (std::string(key) == "source" ? "<b>Source:</b> " : "") +
             html_escape(settings.at(key).get<std::string>()) + "</p>\n";
      settings.erase(key);
    }
  flatten(settings, "", &rows);
  if (link.contains("override")) flatten(link.at("override"), "override", &rows);
  if (rows.empty()) rows.push_back({text_cell("(none)"), text_cell("a perfect link: no loss, delay or limit")});
  return out + html_table({"setting", "value"}, rows, false) + "</div>\n";
}

}  // namespace

std::string scenario_section(const nlohmann::json* result) {
  std::string out = "<h2>Scenario</h2>\n";
  const json* s = result && result->contains("scenario") ? &result->at("scenario") : nullptr;
  if (!s || !s->contains("links")) {
    return out +
           "<p class=\"note\">This call's result.json does not record the scenario's description, source "
           "and link settings (written by an older callsim).</p>\n";
  }
  const std::string description = s->value("description", ""), source = s->value("source", "");
  out += "<p class=\"description\">" +
         (description.empty() ? "<span class=\"muted\">No description.</span>" : html_escape(description)) +
         "</p>\n";
  out += "<p class=\"source\"><b>Source:</b> " +
         (source.empty() ? "<span class=\"muted\">none stated</span>" : html_escape(source)) + "</p>\n";
  if (s->contains("tags") && !s->at("tags").empty()) {
    std::string tags;
    for (const auto& t : s->at("tags")) tags += (tags.empty() ? "" : ", ") + value_text(t);
    out += "<p class=\"tags\"><b>Tags:</b> " + html_escape(tags) + "</p>\n";
  }
  // Links with the same settings (both directions of most calls) share one table.
  std::vector<std::pair<std::string, json>> groups;
  for (const auto& item : s->at("links").items()) {
    const std::string& name = item.key();
    const json& link = item.value();  // a named reference: clang 15 cannot capture a structured binding
    auto same = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.second == link; });
    if (same == groups.end())
      groups.emplace_back(name, link);
    else
      same->first += ", " + name;
  }
  out += "<div class=\"links\">\n";
  for (const auto& [names, link] : groups) out += link_block(names, link);
  return out + "</div>\n";
}

}  // namespace callsim::harness::report_detail
