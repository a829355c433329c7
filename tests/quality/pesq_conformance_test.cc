// Conformance of the P.862 / P.862.2 implementation with the ITU-T reference, on data kept outside
// the repository: $CALLSIM_SHARED_DIR (default: <source>/../shared)
//   conformance/p862/   P.862 Annex A test 2: 40 VoIP pairs at 8 kHz (2b) and 16 kHz (2a, + P.862.2)
//   calibration/pesq/   64 pairs x nb8, nb16, wb16 scored by the reference implementation
// Criteria (per data set and mode): Annex A test 2 - at most 1 of 40 pairs off by more than 0.05,
// none by more than 0.5; calibration - at most 5% of pairs off by more than 0.05 and none by more
// than 0.1 beyond the pair's own instability (stability.csv). Failures print the worst pairs.
// Determinism: every score must also equal, bit for bit, the one recorded in
// tests/quality/data/pesq_bits_*.csv (the same on every CPU, with or without SIMD; see
// src/quality/README.md). After a deliberate change of the algorithm, rewrite those files with
// CALLSIM_UPDATE_PESQ_BITS=1 and say in the commit why the scores moved.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "audio/audio.h"
#include "quality/pesq.h"

namespace callsim::quality {
namespace {

namespace fs = std::filesystem;

fs::path shared_dir() {
  if (const char* env = std::getenv("CALLSIM_SHARED_DIR")) return env;
  return fs::path(CALLSIM_SOURCE_DIR) / ".." / "shared";
}

#define REQUIRE_DATA(dir)                                                                           \
  if (!fs::exists(dir))                                                                             \
  GTEST_SKIP() << "conformance data not found at " << (dir)                                         \
               << "; set CALLSIM_SHARED_DIR to the shared directory (holding conformance/p862 and " \
                  "calibration/pesq)"

// One pair and mode with the reference's printed scores.
struct Case {
  std::string ref, deg, mode;  // mode: nb8, nb16, wb16
  double raw = NAN;            // NaN when the reference prints none (wb16)
  double mos = NAN;
  double instability = 0;  // |MOS change| of the reference when deg is delayed one sample
};

struct Outcome {
  Case c;
  double raw = NAN, mos = NAN;
  double diff() const { return std::isnan(c.raw) ? std::fabs(mos - c.mos) : std::fabs(raw - c.raw); }
  double mos_diff() const { return std::fabs(mos - c.mos); }
};

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string field;
  while (std::getline(ss, field, ',')) out.push_back(field);
  return out;
}

// Rows of a CSV with the header columns ref, deg, (rate,) mode, raw, mos_lqo.
std::vector<Case> read_cases(const fs::path& csv, const fs::path& base) {
  std::ifstream in(csv);
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> head = split_csv(line);
  auto col = [&](const std::string& name) {
    return std::find(head.begin(), head.end(), name) - head.begin();
  };
  std::vector<Case> out;
  while (std::getline(in, line)) {
    const std::vector<std::string> f = split_csv(line);
    if (f.size() < 5) continue;
    Case c{(base / f[col("ref")]).string(), (base / f[col("deg")]).string(), f[col("mode")]};
    if (!f[col("raw")].empty()) c.raw = std::stod(f[col("raw")]);
    c.mos = std::stod(f[col("mos_lqo")]);
    out.push_back(c);
  }
  return out;
}

std::vector<Outcome> score_all(const std::vector<Case>& cases) {
  std::vector<Outcome> out(cases.size());
  auto work = [&](size_t first, size_t step) {
    for (size_t i = first; i < cases.size(); i += step) {
      const Case& c = cases[i];
      const PesqMode mode = c.mode == "wb16" ? PesqMode::kWideband : PesqMode::kNarrowband;
      const PesqResult r = pesq(audio::read_audio(c.ref), audio::read_audio(c.deg), mode, {c.ref, c.deg});
      out[i] = {c, r.raw, r.mos_lqo};
    }
  };
  const size_t threads = std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
  std::vector<std::future<void>> jobs;
  for (size_t t = 0; t < threads; ++t) jobs.push_back(std::async(std::launch::async, work, t, threads));
  for (auto& j : jobs) j.get();
  return out;
}

std::string worst_table(std::vector<Outcome> v, size_t n = 8) {
  std::sort(v.begin(), v.end(), [](const Outcome& a, const Outcome& b) { return a.diff() > b.diff(); });
  std::ostringstream t;
  t << "worst pairs (|diff|, expected raw/MOS, got raw/MOS, instability, deg):\n";
  for (size_t i = 0; i < std::min(n, v.size()); ++i) {
    const Outcome& o = v[i];
    char line[400];
    std::snprintf(line, sizeof line, "  %.3f  %6.3f/%5.3f  %6.3f/%5.3f  %.3f  %s %s\n", o.diff(), o.c.raw,
                  o.c.mos, o.raw, o.mos, o.c.instability, o.c.mode.c_str(),
                  fs::path(o.c.deg).filename().c_str());
    t << line;
  }
  return t.str();
}

void report(const std::string& name, const std::vector<Outcome>& v) {
  double worst = 0, sum = 0;
  int over = 0;
  for (const Outcome& o : v) worst = std::max(worst, o.diff()), sum += o.diff(), over += o.diff() > 0.05;
  std::printf("%-24s n=%zu  >0.05: %d  max %.4f  mean %.5f\n", name.c_str(), v.size(), over, worst,
              sum / static_cast<double>(v.size()));
}

// Annex A test 2 criteria.
void expect_annex_a(const std::string& name, const std::vector<Outcome>& v) {
  ASSERT_EQ(v.size(), 40u) << name;
  report(name, v);
  int over = 0;
  double worst = 0;
  for (const Outcome& o : v) over += o.diff() > 0.05, worst = std::max(worst, o.diff());
  EXPECT_LE(over, 1) << name << '\n' << worst_table(v);
  EXPECT_LE(worst, 0.5) << name << '\n' << worst_table(v);
  // Regression guard, far tighter than the criterion: measured mean |diff| is 0.0002-0.0003.
  double mean = 0;
  for (const Outcome& o : v) mean += o.diff() / static_cast<double>(v.size());
  EXPECT_LT(mean, 0.005) << name << '\n' << worst_table(v);
}

// Every raw and MOS figure of `v` bit for bit against tests/quality/data/pesq_bits_<name>.csv
// (rows: degraded file name, mode, raw, mos_lqo as %.17g, which reads back exactly).
void expect_bits(const std::string& name, const std::vector<Outcome>& v) {
  const fs::path golden = fs::path(CALLSIM_SOURCE_DIR) / "tests" / "quality" / "data" / ("pesq_bits_" + name + ".csv");
  auto row = [](const Outcome& o) {
    char line[200];
    std::snprintf(line, sizeof line, "%s,%s,%.17g,%.17g", fs::path(o.c.deg).filename().c_str(), o.c.mode.c_str(),
                  o.raw, o.mos);
    return std::string(line);
  };
  if (std::getenv("CALLSIM_UPDATE_PESQ_BITS")) {
    std::ofstream out(golden);
    out << "deg,mode,raw,mos_lqo\n";
    for (const Outcome& o : v) out << row(o) << '\n';
    std::printf("rewrote %s\n", golden.c_str());
    return;
  }
  std::ifstream in(golden);
  ASSERT_TRUE(in) << golden << " missing (CALLSIM_UPDATE_PESQ_BITS=1 writes it)";
  std::string line;
  std::getline(in, line);
  int differ = 0;
  for (const Outcome& o : v) {
    ASSERT_TRUE(std::getline(in, line)) << golden << " has fewer rows than the data set";
    if (line != row(o) && ++differ <= 5) ADD_FAILURE() << "not bit-identical: expected " << line << ", got " << row(o);
  }
  EXPECT_EQ(differ, 0) << "scores differ from " << golden
                       << " in the last bits: a CPU- or build-dependent result, or a change of the algorithm";
}

TEST(PesqConformance, WavSamplesEqualTheReferenceReader) {
  // The reference skips a fixed 44-byte header and reads 16-bit PCM; we parse the header.
  const fs::path dir = shared_dir() / "conformance" / "p862";
  REQUIRE_DATA(dir);
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".wav") continue;
    std::ifstream in(e.path(), std::ios::binary);
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const audio::Signal s = audio::read_audio(e.path());
    ASSERT_EQ(s.samples.size(), (bytes.size() - 44) / 2) << e.path();
    for (size_t i = 0; i < s.samples.size(); ++i) {
      const auto lo = static_cast<unsigned char>(bytes[44 + 2 * i]),
                 hi = static_cast<unsigned char>(bytes[45 + 2 * i]);
      const auto pcm = static_cast<int16_t>(static_cast<uint16_t>(lo | (hi << 8)));
      ASSERT_EQ(s.samples[i] * 32768.0f, static_cast<float>(pcm)) << e.path() << " sample " << i;
    }
    ++files;
  }
  EXPECT_EQ(files, 66);  // 20 or*, 20 dg*, 26 u_*
}

TEST(PesqConformance, AnnexATest2b_Voip8k) {
  const fs::path dir = shared_dir() / "conformance" / "p862";
  REQUIRE_DATA(dir);
  const std::vector<Outcome> v = score_all(read_cases(dir / "expected_extra.csv", dir));
  expect_annex_a("P.862 test 2(b) nb8", v);
  expect_bits("annex_a_8k", v);
}

TEST(PesqConformance, AnnexATest2a_Voip16k_NarrowbandAndWideband) {
  const fs::path dir = shared_dir() / "conformance" / "p862";
  REQUIRE_DATA(dir / "voip_16k_hq2");
  const std::vector<Outcome> all = score_all(read_cases(dir / "expected_extra_16k_hq2.csv", dir));
  std::vector<Outcome> nb, wb;
  for (const Outcome& o : all) (o.c.mode == "wb16" ? wb : nb).push_back(o);
  expect_annex_a("P.862 test 2(a) nb16", nb);
  expect_annex_a("P.862.2 voip wb16 (MOS)", wb);
  expect_bits("annex_a_16k", all);
}

TEST(PesqConformance, CalibrationCorpus) {
  const fs::path dir = shared_dir() / "calibration" / "pesq";
  REQUIRE_DATA(dir);
  std::vector<Case> cases = read_cases(dir / "scores.csv", dir);
  ASSERT_EQ(cases.size(), 192u);
  std::map<std::string, double> instability;  // key: deg + mode
  {
    std::ifstream in(dir / "stability.csv");
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      const std::vector<std::string> f = split_csv(line);
      instability[(dir / f[1]).string() + " " + f[2]] = std::stod(f[5]);
    }
  }
  for (Case& c : cases) c.instability = instability.at(c.deg + " " + c.mode);
  const std::vector<Outcome> all = score_all(cases);
  expect_bits("calibration", all);
  for (const std::string mode : {"nb8", "nb16", "wb16"}) {
    std::vector<Outcome> v;
    for (const Outcome& o : all)
      if (o.c.mode == mode) v.push_back(o);
    ASSERT_EQ(v.size(), 64u);
    report("calibration " + mode, v);
    int over = 0;
    double mean = 0;
    for (const Outcome& o : v) {
      over += o.mos_diff() > 0.05 || o.diff() > 0.05;
      mean += o.mos_diff() / 64.0;
      EXPECT_LE(o.mos_diff(), 0.1 + o.c.instability) << mode << ' ' << o.c.deg << '\n' << worst_table(v);
    }
    EXPECT_LE(over, 3) << mode << " (5% of 64)\n" << worst_table(v);
    // Regression guard: measured mean |MOS diff| is 0.0002-0.0007.
    EXPECT_LT(mean, 0.005) << mode << '\n' << worst_table(v);
  }
}

}  // namespace
}  // namespace callsim::quality
