#include "harness/check/check_results.h"

#include <map>

#include "common/error.h"
#include "common/names.h"
#include "json/json_node.h"

namespace callsim::harness {
namespace {

namespace fs = std::filesystem;

ResultSet load_jsonl(const fs::path& path) {
  return ResultSet{path, results::read_results_file(path).records};
}

// A `callsim run` folder's result.json: a one-call set whose id is the scenario name.
ResultSet load_run_result(const fs::path& path) {
  const nlohmann::json doc = read_json_file(path.string());
  CallRecord c = results::record_from_result_json(JsonNode(doc, path.string()), path.parent_path());
  c.origin = path.string();
  return ResultSet{path, {std::move(c)}};
}

}  // namespace

ResultSet load_result_set(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    if (fs::exists(path / "results.jsonl")) return load_jsonl(path / "results.jsonl");
    if (fs::exists(path / "result.json")) return load_run_result(path / "result.json");
    throw InputError(path.string(), "", "holds neither results.jsonl (a sweep) nor result.json (a run)");
  }
  if (!fs::exists(path, ec)) throw InputError(path.string(), "", "no such file or folder");
  if (path.filename() == "result.json") return load_run_result(path);
  return load_jsonl(path);
}

std::vector<CallRecord> load_calls(const std::vector<fs::path>& paths) {
  std::vector<CallRecord> out;
  std::map<std::string, std::string> seen;  // id → origin
  for (const auto& p : paths) {
    for (auto& c : load_result_set(p).calls) {
      auto [it, inserted] = seen.emplace(c.id, c.origin);
      if (!inserted)
        throw InputError(c.origin, "/id", "duplicate call id '" + c.id + "' (first in " + it->second + ")");
      out.push_back(std::move(c));
    }
  }
  return out;
}

void check_call_result(const JsonNode& root) {
  root.members();  // an object
  if (auto directions = root.find("directions")) {
    for (const auto& [name, d] : directions->members()) {
      d.members();
      if (!valid_direction_name(name))  // it names the call page's plot files
        d.fail("'" + name.substr(0, 120) + "' is not a direction: expected <peer>-><peer>");
      if (auto files = d.find("files"))
        for (const auto& [key, file] : files->members()) {
          // A file of the call, inside its folder: the report reads it and copies audio from it.
          const fs::path path(file.string());
          bool inside = !path.empty() && path.is_relative();
          for (const auto& part : path) inside = inside && part != "..";
          if (!inside) file.fail("'" + file.string().substr(0, 120) + "' is not a path inside the call's folder");
        }
      for (const char* table : {"network", "rtp", "jitter_buffer"})
        if (auto t = d.find(table)) t->members();
      if (auto quality = d.find("quality")) {
        for (const auto& [key, q] : quality->members()) {
          if (key != "pesq_nb" && key != "pesq_wb") continue;
          auto windows = q.find("windows");
          if (!windows) continue;
          for (const JsonNode& w : windows->elements()) {
            const bool scored = w.boolean_or("scored", false);
            if (auto m = w.find("mos_lqo"); m && !m->json().is_null()) m->number();
            if (scored) {
              w.at("start_s").number();
              w.at("end_s").number();
            }
          }
        }
      }
    }
  }
  if (auto s = root.find("scenario")) {
    s->string_or("description", "");
    s->string_or("source", "");
    if (auto tags = s->find("tags")) tags->size();  // an array
    if (auto links = s->find("links")) {
      for (const auto& [name, link] : links->members()) {
        if (auto settings = link.find("profile_settings")) settings->members();
        if (auto o = link.find("override")) o->members();
      }
    }
  }
}

std::optional<nlohmann::json> read_call_result(const CallRecord& call) {
  if (call.dir.empty()) return std::nullopt;
  const fs::path file = call.dir / "result.json";
  std::error_code ec;
  if (!fs::exists(file, ec)) return std::nullopt;
  nlohmann::json doc = read_json_file(file.string());
  check_call_result(JsonNode(doc, file.string()));
  return doc;
}

std::optional<double> find_metric(const CallRecord& call, const std::string& direction,
                                  const std::string& metric) {
  return results::find_value(call, direction, metric);
}

}  // namespace callsim::harness
