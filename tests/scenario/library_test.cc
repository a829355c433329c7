// The scenario library (scenarios/library), the CI smoke suite (scenarios/suites), the network
// profiles (scenarios/profiles) and the embedded default are valid for both the C++ parser and the
// published JSON Schemas, documented (description + source), uniquely named after their files, and
// the library covers the conditions the project promises (checked by tag *and* by content, so a tag
// cannot claim what the scenario does not model).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/error.h"
#include "json/json_node.h"
#include "scenario/link_json.h"
#include "scenario/scenario.h"
#include "json/schema.h"

namespace callsim::scenario {
namespace {

namespace fs = std::filesystem;

const fs::path kScenarios = fs::path(CALLSIM_SOURCE_DIR) / "scenarios";

// Every *.json below `dir`, sorted (deterministic test order and messages).
std::vector<fs::path> json_files(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

struct Entry {
  fs::path path;
  nlohmann::json doc;
  Scenario scenario;
};

// Loads every scenario of a folder; a file that fails is reported and skipped.
std::vector<Entry> load_all(const fs::path& dir) {
  std::vector<Entry> out;
  for (const fs::path& p : json_files(dir)) {
    try {
      out.push_back({p, read_json_file(p.string()), load_scenario(p.string())});
    } catch (const InputError& e) {
      ADD_FAILURE() << e.what();
    }
  }
  return out;
}

const std::vector<Entry>& library() {
  static const std::vector<Entry> entries = load_all(kScenarios / "library");
  return entries;
}

const std::vector<Entry>& smoke() {
  static const std::vector<Entry> entries = load_all(kScenarios / "suites" / "smoke");
  return entries;
}

bool has_tag(const Scenario& s, const std::string& tag) {
  return std::find(s.tags.begin(), s.tags.end(), tag) != s.tags.end();
}

std::vector<const Entry*> tagged(const std::string& tag) {
  std::vector<const Entry*> out;
  for (const Entry& e : library()) {
    if (has_tag(e.scenario, tag)) out.push_back(&e);
  }
  return out;
}

bool blank(const std::string& s) { return s.find_first_not_of(" \t\n") == std::string::npos; }

TEST(ScenarioLibrary, HasAtLeastFifteenScenariosAndASmokeSuiteOfFiveToEight) {
  EXPECT_GE(library().size(), 15u);
  EXPECT_GE(smoke().size(), 5u);
  EXPECT_LE(smoke().size(), 8u);
}

TEST(ScenarioLibrary, EveryScenarioMatchesTheSchema) {
  std::vector<fs::path> files = json_files(kScenarios / "library");
  for (const fs::path& p : json_files(kScenarios / "suites")) files.push_back(p);
  files.push_back(kScenarios / "default.json");
  for (const fs::path& p : files) {
    const auto violation = check_schema(read_json_file(p.string()), "scenario.schema.json");
    EXPECT_FALSE(violation.has_value()) << p << ": " << violation->pointer << ": " << violation->message;
    EXPECT_NO_THROW(load_scenario(p.string())) << p;
  }
}

TEST(ScenarioLibrary, EveryProfileIsADocumentedValidLink) {
  const std::vector<fs::path> files = json_files(kScenarios / "profiles");
  EXPECT_GE(files.size(), 6u);
  for (const fs::path& p : files) {
    const nlohmann::json doc = read_json_file(p.string());
    const auto violation = check_schema(doc, "link.schema.json");
    EXPECT_FALSE(violation.has_value()) << p << ": " << violation->pointer << ": " << violation->message;
    LinkParseContext ctx;
    ctx.base_dir = p.parent_path().string();
    EXPECT_NO_THROW(parse_link(JsonNode(doc, p.string()), ctx)) << p;
    EXPECT_FALSE(blank(doc.value("description", ""))) << p;
    EXPECT_FALSE(blank(doc.value("source", ""))) << p;
  }
}

TEST(ScenarioLibrary, EveryScenarioIsDescribedAndSourced) {
  for (const auto* set : {&library(), &smoke()}) {
    for (const Entry& e : *set) {
      EXPECT_GE(e.scenario.description.size(), 60u)
          << e.path << ": description too short to say what it models";
      EXPECT_FALSE(blank(e.scenario.source)) << e.path;
      EXPECT_FALSE(e.scenario.tags.empty()) << e.path;
    }
  }
}

TEST(ScenarioLibrary, NamesAreUniqueAndEqualTheFileNames) {
  std::map<std::string, fs::path> seen = {{"default", kScenarios / "default.json"}};
  for (const auto* set : {&library(), &smoke()}) {
    for (const Entry& e : *set) {
      EXPECT_EQ(e.scenario.name, e.path.stem().string()) << e.path;
      const auto [it, inserted] = seen.emplace(e.scenario.name, e.path);
      EXPECT_TRUE(inserted) << e.scenario.name << " in " << e.path << " and " << it->second;
    }
  }
}

// Library calls are 20-30 s regression gates; each checks quality and delay.
TEST(ScenarioLibrary, EveryLibraryScenarioGatesQualityAndDelay) {
  for (const Entry& e : library()) {
    const double seconds = e.scenario.duration.to_seconds();
    EXPECT_GE(seconds, 20.0) << e.path;
    EXPECT_LE(seconds, 30.0) << e.path;
    bool quality = false, delay = false;
    for (const Expectation& x : e.scenario.expectations) {
      quality = quality || x.metric.rfind("mos_", 0) == 0;
      delay = delay || x.metric.rfind("mouth_to_ear", 0) == 0;
    }
    EXPECT_TRUE(quality) << e.path << ": no mos_* expectation";
    EXPECT_TRUE(delay) << e.path << ": no mouth_to_ear_* expectation";
  }
}

TEST(ScenarioLibrary, CoversTheRequiredCategories) {
  for (const char* tag :
       {"wifi", "congestion", "bursty_loss", "lte", "handover", "3g", "satellite", "bufferbloat",
        "delay_spike", "reorder", "drift", "dtx", "fec", "narrowband", "outage", "g1050"}) {
    EXPECT_FALSE(tagged(tag).empty()) << "no library scenario tagged " << tag;
  }
}

// --- content behind the tags -------------------------------------------------------------------

using LinkPredicate = bool (*)(const sim::net::LinkConfig&);

bool any_link(const Scenario& s, LinkPredicate pred) {
  for (const auto& [name, link] : s.links) {
    if (pred(link)) return true;
  }
  return false;
}

// Every scenario carrying `tag` satisfies `pred` on at least one of its links.
void expect_links(const std::string& tag, LinkPredicate pred, const std::string& what) {
  for (const Entry* e : tagged(tag))
    EXPECT_TRUE(any_link(e->scenario, pred)) << e->path << ": tagged " << tag << " but " << what;
}

double max_phase_delay_ms(const sim::net::LinkConfig& l) {
  double top = l.delay.base_ms;
  for (const sim::net::Phase& ph : l.phases) {
    if (ph.delay) top = std::max(top, ph.delay->base_ms);
    for (const sim::net::Ramp& r : ph.ramps) {
      if (r.param == sim::net::RampParam::kDelayBaseMs) top = std::max({top, r.from, r.to});
    }
  }
  return top;
}

TEST(ScenarioLibrary, TagsMatchWhatTheLinksModel) {
  // GEO satellite: at least 300 ms one way on the link itself, so the network RTT is >= 600 ms.
  expect_links(
      "geo", [](const sim::net::LinkConfig& l) { return l.delay.base_ms >= 300.0; }, "RTT < 600 ms");
  expect_links(
      "outage",
      [](const sim::net::LinkConfig& l) {
        return std::any_of(l.phases.begin(), l.phases.end(),
                           [](const sim::net::Phase& ph) { return ph.outage; });
      },
      "has no outage phase");
  expect_links(
      "handover", [](const sim::net::LinkConfig& l) { return !l.phases.empty(); }, "has no phases");
  expect_links(
      "reorder", [](const sim::net::LinkConfig& l) { return l.reorder.p > 0.0 || l.delay.reorder_by_jitter; },
      "cannot reorder");
  expect_links(
      "bursty_loss",
      [](const sim::net::LinkConfig& l) {
        return l.loss.model == sim::net::LossModel::kGilbertElliott ||
               l.loss.model == sim::net::LossModel::kFourState;
      },
      "has no burst-loss model");
  expect_links(
      "delay_spike",
      [](const sim::net::LinkConfig& l) { return max_phase_delay_ms(l) >= l.delay.base_ms + 200.0; },
      "has no phase raising the delay by 200 ms or more");
  // Bufferbloat: a deep queue (>= 1 s) and a capacity that drops below a voice stream's ~40 kbit/s.
  expect_links(
      "bufferbloat",
      [](const sim::net::LinkConfig& l) {
        bool collapses = false;
        for (const sim::net::Phase& ph : l.phases) {
          collapses = collapses || (ph.rate && ph.rate->kbps > 0.0 && ph.rate->kbps < 40.0);
          for (const sim::net::Ramp& r : ph.ramps)
            collapses = collapses || (r.param == sim::net::RampParam::kRateKbps && r.to < 40.0);
        }
        return collapses && l.rate.queue.limit_ms >= 1000.0;
      },
      "has no capacity collapse into a >= 1 s queue");
}

TEST(ScenarioLibrary, PeerTagsMatchThePeers) {
  for (const Entry* e : tagged("drift")) {
    bool drifts = false;
    for (const auto& [name, peer] : e->scenario.peers)
      drifts = drifts || std::abs(peer.clock_drift_ppm) >= 80.0;
    EXPECT_TRUE(drifts) << e->path << ": no peer drifts by 80 ppm or more";
  }
  for (const Entry* e : tagged("narrowband")) {
    bool nb = false;
    for (const auto& [name, peer] : e->scenario.peers) {
      const bool narrow =
          peer.codec.sample_rate_hz == 8000 || peer.codec.max_bandwidth == codec::Bandwidth::kNarrowband;
      nb = nb || (narrow && peer.codec.bitrate_bps <= 12000);
    }
    EXPECT_TRUE(nb) << e->path << ": no narrowband peer at <= 12 kbit/s";
  }
}

// The DTX and FEC comparisons are twins: the same document except the name, description and the
// codec flag, which is on in one and off in the other.
void expect_twins(const std::string& tag, const std::string& flag) {
  auto strip = [&](nlohmann::json doc, bool* on) {
    doc.erase("name");
    doc.erase("description");
    for (auto& [peer, cfg] : doc["peers"].items()) {
      if (cfg.contains("codec") && cfg["codec"].contains(flag)) {
        *on = cfg["codec"][flag].get<bool>();
        cfg["codec"].erase(flag);
      }
    }
    return doc;
  };
  const std::vector<const Entry*> set = tagged(tag);
  bool found = false;
  for (const Entry* a : set) {
    for (const Entry* b : set) {
      bool on_a = false, on_b = false;
      const nlohmann::json da = strip(a->doc, &on_a), db = strip(b->doc, &on_b);
      found = found || (on_a && !on_b && da == db);
    }
  }
  EXPECT_TRUE(found) << "no pair of " << tag << " scenarios differing only in codec." << flag;
}

TEST(ScenarioLibrary, DtxAndFecComeAsTwins) {
  expect_twins("dtx", "dtx");
  expect_twins("fec", "fec");
}

// --- the smoke suite -----------------------------------------------------------------------------

TEST(SmokeSuite, ShortCallsCoveringTheMainFeatures) {
  std::set<jitter::JitterBufferKind> buffers;
  bool fec = false, outage = false, reorder = false, drift = false;
  for (const Entry& e : smoke()) {
    EXPECT_GE(e.scenario.duration.to_seconds(), 6.0) << e.path;
    EXPECT_LE(e.scenario.duration.to_seconds(), 10.0) << e.path;
    EXPECT_FALSE(e.scenario.expectations.empty()) << e.path;
    for (const auto& [name, peer] : e.scenario.peers) {
      fec = fec || peer.codec.inband_fec;
      drift = drift || peer.clock_drift_ppm != 0.0;
    }
    for (const Direction& d : e.scenario.directions)
      buffers.insert(e.scenario.peers.at(d.to).jitter_buffer.kind);
    for (const auto& [name, link] : e.scenario.links) {
      outage = outage ||
               std::any_of(link.phases.begin(), link.phases.end(), [](const auto& ph) { return ph.outage; });
      reorder = reorder || link.reorder.p > 0.0 || link.delay.reorder_by_jitter;
    }
  }
  EXPECT_TRUE(buffers.count(jitter::JitterBufferKind::kFixed));
  EXPECT_TRUE(buffers.count(jitter::JitterBufferKind::kAdaptive));
  EXPECT_TRUE(buffers.count(jitter::JitterBufferKind::kSpeex));
  EXPECT_TRUE(fec);
  EXPECT_TRUE(outage);
  EXPECT_TRUE(reorder);
  EXPECT_TRUE(drift);
}

}  // namespace
}  // namespace callsim::scenario
