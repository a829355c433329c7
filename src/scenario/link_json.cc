#include "scenario/link_json.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "common/embedded.h"
#include "common/error.h"
#include "scenario/link_json_sections.h"

namespace callsim::scenario {
namespace net = sim::net;
using link_detail::format_number;
using link_detail::resolve_path;

namespace {

const std::vector<std::string> kInlineKeys = {"description",   "source",    "loss",    "delay",
                                              "reorder",       "duplicate", "corrupt", "rate",
                                              "cross_traffic", "phases",    "trace"};
const std::vector<std::string> kOverrideKeys = {"loss", "delay",         "reorder", "duplicate", "corrupt",
                                                "rate", "cross_traffic", "phases",  "trace"};

struct RampName {
  std::string_view key;
  net::RampParam param;
  Range range;
};
const RampName kRamps[] = {
    {"loss.p", net::RampParam::kLossP, Range::probability()},
    {"loss.r", net::RampParam::kLossR, Range::probability()},
    {"loss.one_minus_h", net::RampParam::kLossOneMinusH, Range::probability()},
    {"loss.one_minus_k", net::RampParam::kLossOneMinusK, Range::probability()},
    {"delay.base_ms", net::RampParam::kDelayBaseMs, Range::closed(0, link_detail::kMaxLinkDelayMs)},
    {"delay.jitter_ms", net::RampParam::kDelayJitterMs, Range::closed(0, link_detail::kMaxLinkDelayMs)},
    {"rate.kbps", net::RampParam::kRateKbps, link_detail::kRateKbps},
    {"duplicate.p", net::RampParam::kDuplicateP, Range::probability()},
    {"corrupt.p", net::RampParam::kCorruptP, Range::probability()},
    {"reorder.p", net::RampParam::kReorderP, Range::probability()},
    {"cross_traffic.kbps", net::RampParam::kCrossTrafficKbps,
     Range::closed(0, link_detail::kMaxCrossTrafficKbps)},
};

// Why `param` cannot ramp the phase's models, or "" when it can.
std::string ramp_conflict(net::RampParam param, const net::LinkModels& m) {
  using net::LossModel;
  switch (param) {
    case net::RampParam::kLossP:
      if (m.loss.model != LossModel::kBernoulli && m.loss.model != LossModel::kGilbertElliott)
        return "needs a bernoulli or gilbert_elliott loss model";
      break;
    case net::RampParam::kLossR:
    case net::RampParam::kLossOneMinusH:
    case net::RampParam::kLossOneMinusK:
      if (m.loss.model != LossModel::kGilbertElliott) return "needs a gilbert_elliott loss model";
      break;
    case net::RampParam::kRateKbps:
      if (m.rate.trace) return "needs a constant rate (this link replays a Mahimahi trace)";
      break;
    default:
      break;
  }
  return "";
}

void parse_ramps(const JsonNode& node, const net::LinkModels& effective, net::Phase& phase) {
  std::vector<std::string> names;
  for (const auto& r : kRamps) names.emplace_back(r.key);
  node.expect_keys(names);
  for (const auto& [key, value] : node.members()) {
    const RampName* ramp = nullptr;
    for (const auto& r : kRamps) ramp = r.key == key ? &r : ramp;
    if (value.size() != 2) value.fail("expected [from, to]: an array of 2 numbers");
    const double from = value[0].number(ramp->range), to = value[1].number(ramp->range);
    if (const std::string why = ramp_conflict(ramp->param, effective); !why.empty())
      value.fail("ramp " + why);
    if (ramp->param == net::RampParam::kCrossTrafficKbps)
      link_detail::check_cross_traffic_rate(value, std::max(from, to), effective.cross_traffic.packet_bytes);
    phase.ramps.push_back({ramp->param, from, to});
  }
}

net::Phase parse_phase(const JsonNode& n, const net::LinkModels& base, const std::string& base_dir,
                       sim::Duration duration) {
  n.expect_keys({"name", "start_s", "end_s", "outage", "set", "ramp"});
  net::Phase phase;
  phase.name = n.string_or("name", "");
  const double start = n.at("start_s").number(Range::at_least(0)),
               end = n.at("end_s").number(Range::positive());
  if (end <= start)
    n.fail("end_s (" + format_number(end) + ") must be after start_s (" + format_number(start) + ")");
  if (duration > sim::Duration::zero() && end > duration.to_seconds())
    n.fail("phase [" + format_number(start) + ", " + format_number(end) + ") s is outside the call (0 to " +
           format_number(duration.to_seconds()) + " s)");
  phase.start = sim::Duration::from_seconds(start);
  phase.end = sim::Duration::from_seconds(end);
  phase.through_call_end = duration > sim::Duration::zero() && phase.end == duration;
  phase.outage = n.boolean_or("outage", false);
  net::LinkModels effective = base;
  if (auto set = n.find("set")) {
    set->expect_keys(link_detail::kSectionKeys);
    const auto present = link_detail::apply_sections(*set, effective, base_dir);
    if (present.loss) phase.loss = effective.loss;
    if (present.delay) phase.delay = effective.delay;
    if (present.reorder) phase.reorder = effective.reorder;
    if (present.duplicate) phase.duplicate = effective.duplicate;
    if (present.corrupt) phase.corrupt = effective.corrupt;
    if (present.rate) phase.rate = effective.rate;
    if (present.cross_traffic) phase.cross_traffic = effective.cross_traffic;
  }
  if (auto ramp = n.find("ramp")) parse_ramps(*ramp, effective, phase);
  if (!phase.outage && !n.has("set") && !n.has("ramp"))
    n.fail("a phase needs \"outage\": true, \"set\" or \"ramp\"");
  return phase;
}

std::vector<net::Phase> parse_phases(const JsonNode& n, const net::LinkModels& base,
                                     const std::string& base_dir, sim::Duration duration) {
  std::vector<net::Phase> out;
  for (const auto& p : n.elements()) out.push_back(parse_phase(p, base, base_dir, duration));
  return out;
}

std::shared_ptr<const net::PacketTrace> parse_trace(const JsonNode& n, const std::string& base_dir) {
  n.expect_keys({"file", "loop"});
  const JsonNode file = n.at("file");
  const std::string name = file.string();
  if (name.empty()) file.fail("expected a trace file name");
  std::shared_ptr<const net::PacketTrace> trace;
  try {
    trace = read_packet_trace(resolve_path(base_dir, name));
  } catch (const InputError& e) {
    file.fail("packet trace '" + name + "': " + e.what());  // e names the resolved path
  }
  auto copy = std::make_shared<net::PacketTrace>(*trace);
  copy->loop = n.boolean_or("loop", true);
  return copy;
}

// The link's own sections, trace and phases from `node` (phases from `phases_node` if given).
void parse_body(const JsonNode& node, const std::string& base_dir, net::LinkConfig& cfg) {
  link_detail::apply_sections(node, cfg, base_dir);
  if (auto t = node.find("trace")) cfg.trace = parse_trace(*t, base_dir);
  if (auto d = node.find("description")) d->string();
  if (auto s = node.find("source")) s->string();
}

std::vector<std::string> profile_dirs(const LinkParseContext& ctx) {
  if (!ctx.profile_dirs.empty()) return ctx.profile_dirs;
  std::vector<std::string> out;
  if (const char* env = std::getenv("CALLSIM_PROFILE_PATH")) {
    std::string_view rest(env);
    while (!rest.empty()) {
      const size_t colon = rest.find(':');
      if (colon != 0) out.emplace_back(rest.substr(0, colon));
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
  }
  return out;
}

}  // namespace

ProfileLocation find_profile(const std::string& ref, const LinkParseContext& ctx,
                             std::vector<std::string>* tried) {
  std::vector<std::string> candidates;
  const bool is_path = ref.find('/') != std::string::npos || ref.ends_with(".json");
  if (is_path) {
    candidates.push_back(resolve_path(ctx.base_dir, ref));
  } else {
    const std::string file = ref + ".json";
    const std::filesystem::path base = ctx.base_dir.empty() ? "." : ctx.base_dir;
    candidates.push_back((base / "profiles" / file).string());
    candidates.push_back((base / ".." / "profiles" / file).string());
    for (const auto& dir : profile_dirs(ctx))
      candidates.push_back((std::filesystem::path(dir) / file).string());
  }
  for (const auto& c : candidates) {
    if (tried) tried->push_back(c);
    // Whatever is there is the profile: a FIFO read "profile not found" and a folder named
    // profiles/3g.json was skipped for the built-in 3g without a word; reading refuses both.
    std::error_code ec;
    if (std::filesystem::exists(c, ec)) return {c, false};
  }
  if (!is_path) {
    const std::string builtin = "scenarios/profiles/" + ref + ".json";
    if (tried) tried->push_back("the built-in profiles");
    if (find_embedded(builtin)) return {builtin, true};
  }
  return {};
}

nlohmann::json link_settings_json(const JsonNode& node, const LinkParseContext& ctx) {
  if (!node.is_object() || !node.has("profile")) return node.json();
  const std::string ref = node.at("profile").string();
  const ProfileLocation where = find_profile(ref, ctx, nullptr);
  nlohmann::json out = {{"profile", ref},
                        {"profile_file", std::filesystem::path(where.file).lexically_normal().string()}};
  if (!where.file.empty())
    out["profile_settings"] =
        where.builtin ? parse_json_text(*find_embedded(where.file), where.file) : read_json_file(where.file);
  if (auto d = node.find("description")) out["description"] = d->json();
  if (auto ov = node.find("override")) out["override"] = ov->json();
  return out;
}

namespace {

// Loss, delay and reordering are not drawn on a link that replays a packet trace (the trace gives
// each packet's delay or loss, sim/net/README.md): given beside one they had no effect, silently
// (a trace link with "loss": {"p": 0.9} lost nothing, result.json still showing 0.9).
void refuse_what_a_trace_replaces(const JsonNode& sections, const std::optional<JsonNode>& phases) {
  static constexpr const char* kReplaced[] = {"loss", "delay", "reorder"};
  const auto refuse = [](const JsonNode& n) {
    n.fail("has no effect on a link that replays a packet trace: the trace gives every packet's delay or loss "
           "(duplicate, corrupt, rate and cross traffic still apply)");
  };
  for (const char* k : kReplaced)
    if (auto s = sections.find(k)) refuse(*s);
  if (!phases) return;
  for (const JsonNode& p : phases->elements()) {
    if (auto set = p.find("set"))
      for (const char* k : kReplaced)
        if (auto s = set->find(k)) refuse(*s);
    if (auto ramp = p.find("ramp"))
      for (const auto& [name, r] : ramp->members())
        for (const char* k : kReplaced)
          if (name.starts_with(std::string(k) + ".")) refuse(r);
  }
}

// A profile's own link into `cfg`; returns its phases (nodes into `doc`). Errors name the
// scenario's reference first, then the profile file and the place in it.
std::optional<JsonNode> load_profile(const JsonNode& ref_node, const ProfileLocation& where,
                                     nlohmann::json& doc, net::LinkConfig& cfg) {
  try {
    doc =
        where.builtin ? parse_json_text(*find_embedded(where.file), where.file) : read_json_file(where.file);
    const JsonNode profile(doc, where.file);
    if (profile.is_object() && profile.has("profile"))
      profile.at("profile").fail("a profile cannot refer to another profile");
    if (!profile.is_object()) profile.fail("expected a link object");
    profile.expect_keys(kInlineKeys);
    parse_body(profile, std::filesystem::path(where.file).parent_path().string(), cfg);
    return profile.find("phases");
  } catch (const InputError& e) {
    ref_node.fail("profile '" + ref_node.string() + "': " + e.what());
  }
}

}  // namespace

bool is_link_document(const nlohmann::json& doc) {
  if (!doc.is_object() || doc.empty()) return false;
  bool section = false;
  for (const auto& [key, value] : doc.items()) {
    if (std::find(kInlineKeys.begin(), kInlineKeys.end(), key) == kInlineKeys.end()) return false;
    section = section || (key != "description" && key != "source");
  }
  return section;
}

net::LinkConfig parse_link(const JsonNode& node, const LinkParseContext& ctx) {
  net::LinkConfig cfg;
  if (!node.is_object()) node.fail("expected a link object or {\"profile\": name}");
  if (!node.has("profile")) {
    node.expect_keys(kInlineKeys);
    parse_body(node, ctx.base_dir, cfg);
    if (auto p = node.find("phases")) cfg.phases = parse_phases(*p, cfg, ctx.base_dir, ctx.duration);
    if (cfg.trace) refuse_what_a_trace_replaces(node, node.find("phases"));
    return cfg;
  }
  node.expect_keys({"profile", "override", "description"});
  const JsonNode ref_node = node.at("profile");
  const std::string ref = ref_node.string();
  std::vector<std::string> tried;
  const ProfileLocation where = find_profile(ref, ctx, &tried);
  if (where.file.empty()) {
    std::string list;
    for (const auto& t : tried) list += (list.empty() ? "" : ", ") + t;
    ref_node.fail("profile '" + ref + "' not found (looked in: " + list + ")");
  }
  nlohmann::json doc;
  const std::optional<JsonNode> profile_phases = load_profile(ref_node, where, doc, cfg);
  std::optional<JsonNode> own_phases;
  if (auto ov = node.find("override")) {
    ov->expect_keys(kOverrideKeys);
    link_detail::apply_sections(*ov, cfg, ctx.base_dir);
    if (auto t = ov->find("trace")) cfg.trace = parse_trace(*t, ctx.base_dir);
    own_phases = ov->find("phases");
  }
  if (auto d = node.find("description")) d->string();
  if (own_phases) {
    cfg.phases = parse_phases(*own_phases, cfg, ctx.base_dir, ctx.duration);
  } else if (profile_phases) {
    try {  // the profile's own phases, checked against this call's length
      cfg.phases = parse_phases(*profile_phases, cfg,
                                std::filesystem::path(where.file).parent_path().string(), ctx.duration);
    } catch (const InputError& e) {
      ref_node.fail("profile '" + ref + "': " + e.what());
    }
  }
  if (cfg.trace) {
    if (auto ov = node.find("override")) refuse_what_a_trace_replaces(*ov, own_phases);
    try {
      const JsonNode profile(doc, where.file);
      refuse_what_a_trace_replaces(profile, own_phases ? std::nullopt : profile_phases);
    } catch (const InputError& e) {
      ref_node.fail("profile '" + ref + "': " + e.what());
    }
  }
  return cfg;
}

}  // namespace callsim::scenario
