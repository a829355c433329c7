// A scenario: one call, fully described — who talks, codec and jitter-buffer settings per
// peer, the network link of each direction, scoring, and expectations. Loading validates
// everything (C++ rules with precise JSON-pointer errors, then the JSON Schema) before any
// output is written.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/names.h"
#include "quality/emodel.h"
#include "scenario/expectation.h"
#include "scenario/peer_json.h"
#include "sim/net/link_config.h"
#include "sim/time.h"

namespace callsim::scenario {

struct ScoringConfig {
  bool pesq = true;
  double window_s = 10.0;
};

// One direction of the call: `from` talks, `to` listens, over links.at(name).
struct Direction {
  std::string name;  // "alice->bob"
  std::string from, to;
};

struct Scenario {
  std::string file;  // where it was loaded from ("<embedded default>" for the built-in one)
  std::string name, description, source;
  std::vector<std::string> tags;
  sim::Duration duration = sim::Duration::seconds(20);
  uint64_t seed = 1;
  std::map<std::string, PeerConfig> peers;
  std::map<std::string, sim::net::LinkConfig> links;  // keyed "from->to"
  std::map<std::string, nlohmann::json> link_settings;  // the same keys: as configured (link_json.h)
  std::vector<Direction> directions;                  // one per link, in key order
  ScoringConfig scoring;
  std::vector<Expectation> expectations;
  // "fnv1a64:<hex>" of what the call's figures depend on (the hash of scenario_fingerprint_text,
  // then the seed: reseeded_fingerprint): recorded in result.json, results.jsonl and the baseline,
  // so `callsim check` knows a changed scenario. Change the seed of a parsed scenario with reseed().
  std::string fingerprint;
  uint64_t settings_hash = 0;  // stable_hash of scenario_fingerprint_text (everything but the seed)
};

// Name limits (README.md, "Limits"): they become folder names (output folder, sweep job id,
// "<from>-to-<to>" direction folders), so they stay well inside a file name's 255 bytes.
constexpr size_t kMaxNameLength = 100;
// kMaxPeerNameLength: common/names.h.

// "alice->bob" -> "alice-to-bob": the folder of a direction's outputs (a name without
// shell-hostile characters). Loading refuses peer names that would give two directions one folder.
std::string direction_folder(const std::string& direction);

// The text a scenario's fingerprint hashes (all but the seed): the scenario document without the
// keys that only name or judge the call (name, description, source, tags, expect, $schema), without
// file names and with numbers as values (3.0 is 3); the settings of every link profile it uses
// (without their description and source); and the bytes of every input file it reads (talkers,
// link traces, Mahimahi traces), by role. Where the files lie or how a path is spelled does not
// enter it (a clone elsewhere gives the same fingerprint); a changed talker file, trace, profile,
// seed or setting changes it. A jitter-buffer plugin's build does not: like callsim's own code it
// is what a baseline check is there to judge (its path, as written, does). A default written out
// (a jitter buffer's default delay) is still a different text.
std::string scenario_fingerprint_text(const nlohmann::json& document, const Scenario& parsed);
// The fingerprint of the settings hashed as `settings_hash` with `seed`.
std::string reseeded_fingerprint(uint64_t settings_hash, uint64_t seed);
// Sets the scenario's seed and its fingerprint with it (`callsim run --seed`).
void reseed(Scenario& s, uint64_t seed);

// "" for a document that may be a scenario; otherwise the message that says what it is instead,
// rather than "unknown key 'delay'": "this is a link profile (one link's settings), <not_what>: a
// scenario uses it as ..." or "this is a callsim baseline (...), <not_what>". `not_what` is what the
// reader wanted ("not a scenario", "neither a scenario nor a matrix").
std::string other_document_message(const nlohmann::json& doc, std::string_view not_what);

// Loads and validates a scenario file. Throws InputError (file + JSON pointer) on any problem.
Scenario load_scenario(const std::string& path);
// A talker file quieter than this beside its mean (its RMS around a constant offset) is silent, and
// one shorter than kShortTalkerS repeats too often to be speech: input_notes says so.
constexpr double kSilentTalkerDbfs = -70.0;
// A talker's DC offset from this level on is noted (input_notes).
constexpr double kDcOffsetNoteDbfs = -50.0;
constexpr double kShortTalkerS = 1.0;

// Remarks about the inputs worth a line on stderr (a talker file with several channels is mixed
// down to mono): "s.json: /peers/alice/talker: talk.wav has 2 channels; mixed down to mono".
std::vector<std::string> input_notes(const Scenario& s);

// The band the E-model rates a direction whose sender encodes with `codec` on (the call's rating
// uses it; input_notes predicts the scale from it): the codec's audio band, capped by its rate.
quality::OpusMaxBand emodel_max_band(const codec::EncoderConfig& codec);
quality::EModelScale emodel_scale(const codec::EncoderConfig& codec);
// The metric that carries R on a scale: emodel_r_nb, emodel_r_wb or emodel_r_swb.
std::string emodel_r_metric(quality::EModelScale scale);
// The built-in default: a two-way 20 s call over a moderately bad mobile network.
Scenario default_scenario();
// Parses an already-read document; `base_dir` resolves relative paths (talker files, profiles,
// traces, plugins).
Scenario parse_scenario(const nlohmann::json& doc, const std::string& file, const std::string& base_dir);

}  // namespace callsim::scenario
