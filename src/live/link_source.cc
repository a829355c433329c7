#include "live/link_source.h"

#include <cstdio>
#include <filesystem>

#include "common/error.h"
#include "common/file_read.h"
#include "json/json_node.h"
#include "scenario/link_json.h"
#include "scenario/scenario.h"
#include "sim/random.h"

namespace callsim::live {
namespace {

std::string reverse_name(const std::string& name) {
  const size_t arrow = name.find("->");
  return arrow == std::string::npos ? name + "(reverse)" : name.substr(arrow + 2) + "->" + name.substr(0, arrow);
}

void from_scenario(const LinkSourceOptions& o, LinkSource& out) {
  const scenario::Scenario s = scenario::load_scenario(o.file);
  out.seed = s.seed;
  std::string list;
  for (const auto& [name, config] : s.links) list += (list.empty() ? "" : ", ") + name;
  auto pick = [&](const std::string& name, int d, const char* option) {
    const auto it = s.links.find(name);
    if (it == s.links.end())
      throw InputError(o.file, "/links", std::string("no link '") + name + "' for " + option + " (links: " + list + ")");
    out.links[d] = it->second;
    out.names[d] = name;
  };
  if (!o.ab.empty() || !o.ba.empty()) {
    if (o.ab.empty() || o.ba.empty()) throw InputError("", o.ab.empty() ? "--ab" : "--ba", "give both --ab and --ba");
    pick(o.ab, 0, "--ab");
    pick(o.ba, 1, "--ba");
    return;
  }
  const std::string first = s.links.begin()->first;
  pick(first, 0, "a->b");
  const std::string reverse = reverse_name(first);
  if (s.links.count(reverse)) {
    pick(reverse, 1, "b->a");
  } else if (s.links.size() == 1) {
    out.names[1] = reverse;  // one-way scenario: the way back is a perfect link
  } else {
    throw InputError(o.file, "/links", "choose the two directions with --ab and --ba (links: " + list + ")");
  }
}

}  // namespace

std::string file_fingerprint(const std::string& path) {
  // The project's checked reader: a folder, FIFO or device is refused (InputError, exit 2) before
  // anything is read, with the limit read_json_file applies to the same file.
  return sim::fnv_label(sim::stable_hash(read_regular_file(path, kMaxJsonFileBytes, "JSON file")));
}

LinkSource load_link_source(const LinkSourceOptions& o) {
  LinkSource out;
  out.options = o;
  out.names = {"a->b", "b->a"};
  if (!o.file.empty() && !o.profile.empty()) throw InputError("", "--profile", "give a FILE or --profile, not both");
  if (!o.profile.empty()) {
    const nlohmann::json ref = {{"profile", o.profile}};
    scenario::LinkParseContext ctx;
    const auto config = scenario::parse_link(JsonNode(ref, "--profile"), ctx);
    out.links = {config, config};
    return out;
  }
  if (o.file.empty()) {
    if (!o.ab.empty() || !o.ba.empty()) throw InputError("", "--ab", "--ab/--ba name links of a scenario FILE");
    return out;
  }
  out.fingerprint = file_fingerprint(o.file);
  const nlohmann::json doc = read_json_file(o.file);
  if (doc.is_object() && doc.contains("links")) {
    from_scenario(o, out);
    return out;
  }
  if (!o.ab.empty() || !o.ba.empty()) throw InputError("", "--ab", "--ab/--ba name links of a scenario, not of a link file");
  scenario::LinkParseContext ctx;
  ctx.base_dir = std::filesystem::path(o.file).parent_path().string();
  const auto config = scenario::parse_link(JsonNode(doc, o.file), ctx);
  out.links = {config, config};
  return out;
}

nlohmann::json LinkSource::description() const {
  const auto file = options.file.empty() ? nlohmann::json(nullptr)
                                         : nlohmann::json(std::filesystem::absolute(options.file).string());
  nlohmann::json j = {{"file", file},
                      {"profile", options.profile.empty() ? nlohmann::json(nullptr) : nlohmann::json(options.profile)},
                      {"fingerprint", fingerprint.empty() ? nlohmann::json(nullptr) : nlohmann::json(fingerprint)},
                      {"links", {{"a->b", names[0]}, {"b->a", names[1]}}}};
  if (!options.ab.empty()) j["ab"] = options.ab;
  if (!options.ba.empty()) j["ba"] = options.ba;
  return j;
}

}  // namespace callsim::live
