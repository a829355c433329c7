#include "scenario/scenario.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "codec/codec.h"
#include "common/embedded.h"
#include "common/error.h"
#include "jitter/jitter_buffer.h"
#include "json/schema.h"
#include "results/metric_table.h"
#include "scenario/link_json.h"
#include "sim/random.h"

namespace callsim::scenario {
namespace {

constexpr size_t kMaxExpectationLength = 200;
constexpr const char* kNameCharacters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-";

std::string too_long_note(const std::string& s) {
  return s.size() > 40 ? " (this one has " + std::to_string(s.size()) + ")" : "";
}

std::pair<std::string, std::string> split_direction(const JsonNode& node, const std::string& key) {
  const auto arrow = key.find("->");
  if (arrow == std::string::npos || arrow == 0 || arrow + 2 >= key.size())
    node.fail("link name must be \"sender->receiver\"");
  return {key.substr(0, arrow), key.substr(arrow + 2)};
}

std::vector<Expectation> parse_expectations(const JsonNode& n,
                                            const std::map<std::string, sim::net::LinkConfig>& links) {
  std::vector<Expectation> out;
  for (const auto& [direction, list] : n.members()) {
    if (direction != "all" && !links.count(direction))
      list.fail("no link '" + direction + "' in this scenario");
    for (const JsonNode& item : list.elements()) {
      std::string error;
      if (item.string().size() > kMaxExpectationLength)
        item.fail("an expectation is at most " + std::to_string(kMaxExpectationLength) + " characters");
      auto e = parse_expectation(item.string(), &error);
      if (!e) item.fail(error);
      e->direction = direction;
      e->pointer = item.pointer();
      out.push_back(*e);
    }
  }
  return out;
}

std::string checked_name(const JsonNode& n) {
  const std::string name = n.string();
  if (name.empty() || name.size() > kMaxNameLength ||
      name.find_first_not_of(kNameCharacters) != std::string::npos || name == "." || name == "..")
    n.fail("name must be 1 to " + std::to_string(kMaxNameLength) +
           " letters, digits, '_', '.', '-' (it names folders)" + too_long_note(name));
  return name;
}

void parse_peers(const JsonNode& peers, const PeerParseContext& ctx, Scenario& s) {
  for (const auto& [name, node] : peers.members()) {
    if (!valid_peer_name(name))
      node.fail("a peer name must be 1 to " + std::to_string(kMaxPeerNameLength) +
                " letters, digits, '_', '-' (it names folders)" + too_long_note(name));
    s.peers.emplace(name, parse_peer(name, node, ctx));
  }
  if (s.peers.empty()) peers.fail("a scenario needs at least one peer");
}

void parse_links(const JsonNode& links, const std::string& base_dir, Scenario& s) {
  LinkParseContext ctx;
  ctx.base_dir = base_dir;
  ctx.duration = s.duration;
  std::map<std::string, std::string> folders;  // output folder -> link
  for (const auto& [key, node] : links.members()) {
    auto [from, to] = split_direction(node, key);
    if (!s.peers.count(from)) node.fail("link sender '" + from + "' is not a peer");
    if (!s.peers.count(to)) node.fail("link receiver '" + to + "' is not a peer");
    if (from == to) node.fail("a link needs two different peers");
    // Peers "a-to-a" and "a": both directions would write into "a-to-a-to-a", one over the other.
    const auto [other, fresh] = folders.emplace(direction_folder(key), key);
    if (!fresh)
      node.fail("this direction's output folder '" + other->first + "' is also that of '" + other->second +
                "'; rename a peer");
    s.links.emplace(key, parse_link(node, ctx));
    s.link_settings.emplace(key, link_settings_json(node, ctx));
    s.directions.push_back(Direction{key, from, to});
  }
  if (s.links.empty()) links.fail("a scenario needs at least one link");
}

// Receive-side settings on a peer that receives nothing would silently do nothing.
void check_receiver_settings(const JsonNode& peers, const Scenario& s) {
  for (const auto& [name, node] : peers.members()) {
    const bool receives = std::any_of(s.directions.begin(), s.directions.end(),
                                      [&, &peer = name](const Direction& d) { return d.to == peer; });
    if (receives) continue;
    for (const char* key : {"jitter_buffer", "clock_drift_ppm"})
      if (auto setting = node.find(key))
        setting->fail("'" + name + "' receives no direction of this call; " + key +
                      " is a receiver setting and would have no effect");
  }
}

// A jitter-buffer plugin is loaded and created with its config at the decoder rate it will get,
// as the call does, so `validate` refuses what `run` would.
void check_plugins(const Scenario& s, const JsonNode& peers) {
  for (const Direction& d : s.directions) {
    const jitter::JitterBufferConfig& jb = s.peers.at(d.to).jitter_buffer;
    if (jb.kind != jitter::JitterBufferKind::kPlugin) continue;
    const int rate = s.peers.at(d.from).codec.sample_rate_hz;
    try {
      (void)jitter::make_jitter_buffer(jb, codec::make_opus_decoder(rate), rate);
    } catch (const std::exception& e) {
      peers.at(d.to).at("jitter_buffer").fail("plugin cannot be used: " + std::string(e.what()));
    }
  }
}

// speexdsp holds at most 200 packets (SPEEX_JITTER_MAX_BUFFER_SIZE): a margin longer than 150 of
// the sender's packets (50 kept for the jitter above it) fills it, and speexdsp then drops the
// oldest packets (a 4000 ms margin on 20 ms packets dropped 211 of 400 and concealed). The
// timestamp unit bounds it at 3000 ms too (peer_json.cc).
void check_speex_margins(const Scenario& s, const JsonNode& peers) {
  constexpr int kSpeexPackets = 150;
  for (const Direction& d : s.directions) {
    const jitter::JitterBufferConfig& jb = s.peers.at(d.to).jitter_buffer;
    if (jb.kind != jitter::JitterBufferKind::kSpeex) continue;
    const int frame_ms = s.peers.at(d.from).codec.frame_ms;
    const double most = static_cast<double>(kSpeexPackets) * frame_ms;
    if (jb.speex.margin_ms > most) {
      char text[256];
      std::snprintf(text, sizeof text,
                    "margin_ms %g is more than speexdsp can hold of %s's %d ms packets: it holds 200 packets, "
                    "50 of them kept for the jitter, so the margin is at most %g ms",
                    jb.speex.margin_ms, d.from.c_str(), frame_ms, most);
      const JsonNode& buffer = peers.at(d.to).at("jitter_buffer");
      if (auto margin = buffer.find("margin_ms")) margin->fail(text);
      buffer.fail(text);
    }
  }
}

}  // namespace

std::string other_document_message(const nlohmann::json& doc, std::string_view not_what) {
  if (!doc.is_object() || doc.contains("peers")) return "";
  if (is_link_document(doc))
    return "this is a link profile (one link's settings), " + std::string(not_what) +
           ": a scenario uses it as \"links\": {\"alice->bob\": {\"profile\": \"<its path>\"}}; `callsim "
           "validate` says whether it is a valid profile";
  if (doc.contains("format") && doc.at("format").is_string() &&
      doc.at("format").get<std::string>().starts_with("callsim-baseline/"))
    return "this is a callsim baseline (`callsim check --baseline` reads it), " + std::string(not_what);
  if (doc.contains("matrix") && doc.contains("axes"))
    return "this is a matrix file (a base scenario times axes of settings), " + std::string(not_what) +
           ": `callsim sweep` runs its calls";
  return "";
}

Scenario parse_scenario(const nlohmann::json& doc, const std::string& file, const std::string& base_dir) {
  if (const std::string message = other_document_message(doc, "not a scenario"); !message.empty())
    throw InputError(file, "", message);
  const JsonNode root(doc, file);
  root.expect_keys({"$schema", "name", "description", "source", "duration_s", "seed", "peers", "links",
                    "scoring", "expect", "tags"});
  Scenario s;
  s.file = file;
  s.name = checked_name(root.at("name"));
  s.description = root.string_or("description", "");
  s.source = root.string_or("source", "");
  if (auto t = root.find("tags"))
    for (const JsonNode& tag : t->elements()) s.tags.push_back(tag.string());
  s.duration =
      sim::Duration::from_seconds(root.number_or("duration_s", 20.0, Range::closed(1.0, 7200.0)));
  if (auto seed = root.find("seed")) s.seed = seed->unsigned_integer();

  const JsonNode peers = root.at("peers");
  parse_peers(peers, PeerParseContext{base_dir, s.duration}, s);
  parse_links(root.at("links"), base_dir, s);
  check_receiver_settings(peers, s);
  check_plugins(s, peers);
  check_speex_margins(s, peers);

  if (auto sc = root.find("scoring")) {
    sc->expect_keys({"pesq", "window_s"});
    s.scoring.pesq = sc->boolean_or("pesq", true);
    s.scoring.window_s = sc->number_or("window_s", 10.0, Range::closed(4, 20));
  }
  if (auto e = root.find("expect")) s.expectations = parse_expectations(*e, s.links);

  // The C++ rules passed (they bound every string the schema matches against a pattern, so the
  // regex engine's recursion stays shallow); the published schema must agree.
  if (auto v = check_schema(doc, "scenario.schema.json"))
    throw InputError(file, v->pointer.empty() ? "/" : v->pointer, "schema: " + v->message);
  s.settings_hash = sim::stable_hash(scenario_fingerprint_text(doc, s));
  s.fingerprint = reseeded_fingerprint(s.settings_hash, s.seed);
  return s;
}

namespace {

// A number as its value, not as it was spelled: 3.0 reads as 3 (integral values below 2^53).
void canonical_numbers(nlohmann::json& j) {
  if (j.is_number_float()) {
    const double v = j.get<double>();
    if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9007199254740992.0) j = static_cast<int64_t>(v);
  } else if (j.is_structured()) {
    for (auto& item : j) canonical_numbers(item);
  }
}

// A link object without the names of the files it reads (their bytes enter the fingerprint by
// role) and without the texts that only describe it.
void drop_file_names(nlohmann::json& link) {
  if (!link.is_object()) return;
  for (const char* key : {"description", "source", "profile"}) link.erase(key);
  if (link.contains("trace") && link["trace"].is_object()) link["trace"].erase("file");
  if (link.contains("rate") && link["rate"].is_object()) link["rate"].erase("trace");
  if (link.contains("phases") && link["phases"].is_array())
    for (auto& phase : link["phases"])
      if (phase.is_object() && phase.contains("set")) drop_file_names(phase["set"]);
  if (link.contains("override")) drop_file_names(link["override"]);
}

}  // namespace

std::string reseeded_fingerprint(uint64_t settings_hash, uint64_t seed) {
  return sim::fnv_label(sim::stable_hash(sim::fnv_label(settings_hash) + ";seed=" + std::to_string(seed)));
}

void reseed(Scenario& s, uint64_t seed) {
  s.seed = seed;
  s.fingerprint = reseeded_fingerprint(s.settings_hash, seed);
}

std::string scenario_fingerprint_text(const nlohmann::json& document, const Scenario& parsed) {
  // The document as the call reads it: without what only names or judges the call, the seed
  // (added last, as parsed: a default seed written out or not is the same call), file names and
  // number spellings.
  nlohmann::json settings = document;
  if (settings.is_object()) {
    for (const char* key : {"$schema", "name", "description", "source", "tags", "expect", "seed"}) settings.erase(key);
    if (settings.contains("peers") && settings["peers"].is_object())
      for (auto& [name, peer] : settings["peers"].items())
        if (peer.is_object() && peer.contains("talker") && peer["talker"].is_object()) peer["talker"].erase("file");
    if (settings.contains("links") && settings["links"].is_object())
      for (auto& [name, link] : settings["links"].items()) drop_file_names(link);
  }
  canonical_numbers(settings);
  std::string text = "callsim-scenario-fingerprint/2\n" + settings.dump() + "\n";
  for (const auto& [key, link] : parsed.link_settings) {
    if (!link.is_object() || !link.contains("profile_settings")) continue;
    nlohmann::json profile = link.at("profile_settings");  // not where it was found, nor its texts
    drop_file_names(profile);
    canonical_numbers(profile);
    text += "profile " + key + " " + profile.dump() + "\n";
  }
  auto file = [&](const std::string& role, uint64_t content_hash) {
    text += role + " " + sim::fnv_label(content_hash) + "\n";
  };
  for (const auto& [name, link] : parsed.links) {
    if (link.trace) file("trace " + name, link.trace->content_hash);
    if (link.rate.trace) file("rate trace " + name, link.rate.trace->content_hash);
    for (const auto& phase : link.phases)
      if (phase.rate && phase.rate->trace) file("rate trace " + name + " " + phase.name, phase.rate->trace->content_hash);
  }
  for (const auto& [name, peer] : parsed.peers)
    if (!peer.talker.file.empty()) file("talker " + name, peer.talker.content_hash);
  return text;
}

Scenario load_scenario(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))  // validate takes a suite folder; run one scenario
    throw InputError(path, "", "is a folder, not a scenario: `callsim sweep` runs the scenarios of a suite folder");
  const nlohmann::json doc = read_json_file(path);
  // Errors name the file as the user gave it; relative references resolve next to it.
  return parse_scenario(doc, path, std::filesystem::path(path).parent_path().string());
}

std::string direction_folder(const std::string& direction) {
  const auto arrow = direction.find("->");
  return arrow == std::string::npos ? direction
                                    : direction.substr(0, arrow) + "-to-" + direction.substr(arrow + 2);
}

std::vector<std::string> input_notes(const Scenario& s) {
  std::vector<std::string> out;
  for (const auto& [name, peer] : s.peers) {
    const TalkerSource& t = peer.talker;
    if (t.file.empty()) continue;
    const std::string where = "/peers/" + name + "/talker";
    if (t.channels > 1)
      out.push_back(format_input_error(s.file, where, t.file + " has " + std::to_string(t.channels) +
                                                          " channels; mixed down to mono (their average)"));
    if (t.peak > 1.0f) {
      char db[32];
      std::snprintf(db, sizeof db, "%.1f", 20.0 * std::log10(static_cast<double>(t.peak)));
      out.push_back(format_input_error(s.file, where, t.file + " peaks " + db +
                                                          " dB above full scale (float samples beyond +-1.0); "
                                                          "the codec's input is clipped there"));
    }
    if (!t.cut_short.empty()) out.push_back(format_input_error(s.file, where, t.file + ": " + t.cut_short));
    // A talker without speech makes every score meaningless, and the call would blame the network
    // ("no speech received") or score the codec's start-up transient: said before the call.
    auto dbfs = [](double v) {
      if (v < 1e-10) return std::string("-inf dBFS");
      char text[32];
      std::snprintf(text, sizeof text, "%.1f dBFS", 20.0 * std::log10(v));
      return std::string(text);
    };
    char over[64];
    if (t.seconds_read < 1.0)
      std::snprintf(over, sizeof over, " over the %.4g ms the call reads", 1000.0 * t.seconds_read);
    else
      std::snprintf(over, sizeof over, " over the %.3f s the call reads", t.seconds_read);
    const double silent = std::pow(10.0, kSilentTalkerDbfs / 20.0);
    if (t.ac_rms < silent && std::fabs(t.mean) >= silent) {
      out.push_back(format_input_error(
          s.file, where,
          t.file + " holds no signal but a constant offset (" + dbfs(std::fabs(t.mean)) + "; beside it " +
              dbfs(t.ac_rms) + over + "): the codec removes the offset, so P.862 finds no speech to score or "
              "scores the codec's start-up transient; a talker should be a speech recording"));
    } else if (t.ac_rms < silent) {
      out.push_back(format_input_error(s.file, where,
                                       t.file + " is silent (" + dbfs(t.ac_rms) + over +
                                           "): P.862 finds no speech to score; a talker should be a speech recording"));
    } else if (std::fabs(t.mean) >= std::pow(10.0, kDcOffsetNoteDbfs / 20.0)) {
      // The codec removes an offset from what it sends; the reference keeps it. Speech detection
      // ignores it (frame levels are taken about each frame's mean), P.862 may not: a 10 % offset
      // cost 0.15 MOS-LQO NB on the same speech.
      out.push_back(format_input_error(s.file, where,
                                       t.file + " has a DC offset of " + dbfs(std::fabs(t.mean)) + over +
                                           ": the codec removes it from what it sends, the reference keeps it "
                                           "(P.862 may count the difference); remove it from the file"));
    }
    if (t.ac_rms >= silent && t.seconds_read < kShortTalkerS) {
      char len[96];
      std::snprintf(len, sizeof len, " is only %.4g ms long: it repeats every %.4g ms over each talk span",
                    1000.0 * t.seconds_read, 1000.0 * t.seconds_read);
      out.push_back(format_input_error(s.file, where,
                                       t.file + len + ", not running speech; P.862 is made for speech"));
    }
  }
  // libopus encodes in-band FEC (LBRR) only when told to expect loss: fec on with
  // expected_loss_pct 0 sends none (audit: 0 frames recovered at 11 % loss, 11 with 10 %).
  for (const auto& [name, peer] : s.peers)
    if (peer.codec.inband_fec && peer.codec.expected_loss_pct <= 0)
      out.push_back(format_input_error(
          s.file, "/peers/" + name + "/codec/fec",
          "fec is on but expected_loss_pct is 0: libopus then sends no in-band FEC (it encodes LBRR only for "
          "an expected loss above 0); set expected_loss_pct (e.g. 10) for FEC to be sent"));
  // An E-model R of one scale on a direction rated on another is never measured (R values of
  // different scales are not comparable): said before the call, as for the wideband score below.
  for (const Expectation& e : s.expectations) {
    const results::MetricInfo* info = results::find_metric(e.metric);
    if (!info || !results::is_rating(info->kind)) continue;
    for (const Direction& d : s.directions) {
      if (e.direction != "all" && e.direction != d.name) continue;
      const std::string rated = emodel_r_metric(emodel_scale(s.peers.at(d.from).codec));
      if (rated == e.metric) continue;
      const std::string name = rated + " (" + std::string(results::unit_label(results::find_metric(rated)->kind)) + ")";
      out.push_back(format_input_error(s.file, e.pointer,
                                       "'" + e.text + "' can never be measured on " + d.name + ": the E-model rates " +
                                           d.from + "'s codec on another scale, " + name +
                                           "; the call will fail it (emodel_mos_cqe compares across scales)"));
    }
  }
  // A wideband score needs 16 kHz audio: on a direction whose sender's codec runs slower it is
  // never measured, and the expectation fails (run exits 1); said before the call.
  if (s.scoring.pesq)
    for (const Expectation& e : s.expectations) {
      const results::MetricInfo* info = results::find_metric(e.metric);
      if (!info || !info->needs_wideband) continue;
      for (const Direction& d : s.directions) {
        if (e.direction != "all" && e.direction != d.name) continue;
        const int rate = s.peers.at(d.from).codec.sample_rate_hz;
        if (rate >= 16000) continue;
        out.push_back(format_input_error(s.file, e.pointer,
                                         "'" + e.text + "' can never be measured on " + d.name + ": P.862.2 needs " +
                                             "16 kHz audio and " + d.from + "'s codec runs at " +
                                             std::to_string(rate) + " Hz; the call will fail it"));
      }
    }
  return out;
}

quality::OpusMaxBand emodel_max_band(const codec::EncoderConfig& codec) {
  using B = codec::Bandwidth;
  const B bw = codec.sample_rate_hz <= 8000 ? B::kNarrowband
             : codec.sample_rate_hz <= 16000 ? std::min(codec.max_bandwidth, B::kWideband) : codec.max_bandwidth;
  return bw <= B::kMediumband ? quality::OpusMaxBand::kNarrowband
         : bw == B::kWideband ? quality::OpusMaxBand::kWideband : quality::OpusMaxBand::kSuperwideband;
}

std::string emodel_r_metric(quality::EModelScale scale) {
  switch (scale) {
    case quality::EModelScale::kNarrowband: return "emodel_r_nb";
    case quality::EModelScale::kWideband: return "emodel_r_wb";
    case quality::EModelScale::kSuperwideband: return "emodel_r_swb";
  }
  return "emodel_r_nb";
}

quality::EModelScale emodel_scale(const codec::EncoderConfig& codec) {
  const auto mode = codec.rate_control == codec::RateControl::kCbr ? quality::OpusRateMode::kCbr : quality::OpusRateMode::kVbr;
  return quality::opus_impairment(codec.bitrate_bps, mode, emodel_max_band(codec)).scale;
}

Scenario default_scenario() {
  const auto text = find_embedded("scenarios/default.json");
  if (!text) throw std::logic_error("default scenario is not embedded");
  return parse_scenario(parse_json_text(*text, "<default scenario>"), "<default scenario>", "");
}

}  // namespace callsim::scenario
