#include "scenario/peer_json.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>
#include <mutex>

#include <sys/stat.h>

#include "audio/audio.h"
#include "audio/talkers.h"
#include "common/error.h"
#include "common/file_read.h"
#include "jitter/shared_library.h"
#include "sim/hash_stream.h"

namespace callsim::scenario {
namespace {

std::string resolve_path(const std::string& base_dir, const std::string& p) {
  std::filesystem::path path(p);
  if (!path.is_absolute() && !base_dir.empty()) path = std::filesystem::path(base_dir) / path;
  path = path.lexically_normal();
  // "../../x" is shown (and opened) as the absolute path it reaches.
  if (!path.empty() && *path.begin() == "..") path = std::filesystem::absolute(path).lexically_normal();
  return path.string();
}

codec::Bandwidth parse_bandwidth(const JsonNode& n) {
  const std::string s = n.choice({"narrowband", "mediumband", "wideband", "superwideband", "fullband"});
  if (s == "narrowband") return codec::Bandwidth::kNarrowband;
  if (s == "mediumband") return codec::Bandwidth::kMediumband;
  if (s == "wideband") return codec::Bandwidth::kWideband;
  if (s == "superwideband") return codec::Bandwidth::kSuperwideband;
  return codec::Bandwidth::kFullband;
}

std::string check_builtin_talker(const JsonNode& n) {
  const std::string name = n.string();
  const std::vector<std::string> known = audio::builtin_talker_names();
  if (std::find(known.begin(), known.end(), name) != known.end()) return name;
  std::string list;
  for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
  n.fail("unknown built-in talker '" + name.substr(0, 64) + "' (built-in talkers: " + list + ")");
}

// What identifies one version of a file for the hash cache: the file (device, inode), its size and
// its modification and status-change times. Any write moves the status-change time (ctime) to the
// kernel's clock, which no tool can set back, but that clock ticks in milliseconds: a rewrite to
// the same size in the tick of the last change would look like the same version. So a file whose
// last change is under kSettledNs old is hashed every time and not kept.
struct FileVersion {
  uint64_t device = 0, inode = 0, size = 0;
  int64_t mtime_ns = 0, ctime_ns = 0;
  bool operator==(const FileVersion&) const = default;
};

constexpr int64_t kSettledNs = 2'000'000'000;

FileVersion file_version(int fd, const std::string& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw InputError(path, "", std::string("cannot examine: ") + std::strerror(errno));
  return FileVersion{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino),
                     static_cast<uint64_t>(st.st_size),
                     static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec,
                     static_cast<int64_t>(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec};
}

// Hashes already taken in this process, by path: a sweep parses its scenario once per job, and a
// matrix over one talker file would read all of it (hours of audio, perhaps) once per job.
struct HashCache {
  std::mutex mutex;
  std::map<std::string, std::pair<FileVersion, uint64_t>> by_path;
  uint64_t files_hashed = 0;
};

HashCache& hash_cache() {
  static HashCache cache;
  return cache;
}

// stable_hash of a whole file's bytes, read in pieces; once per version of the file per process.
uint64_t file_content_hash(const std::string& path) {
  const RegularFile file(path, "audio file");
  const FileVersion version = file_version(file.fd(), path);
  HashCache& cache = hash_cache();
  {
    const std::lock_guard<std::mutex> lock(cache.mutex);
    const auto it = cache.by_path.find(path);
    if (it != cache.by_path.end() && it->second.first == version) return it->second.second;
  }
  sim::HashStream hash;
  std::string piece(1 << 16, '\0');
  for (uint64_t offset = 0; offset < file.size();) {
    const size_t n = file.read_at(offset, piece.data(), piece.size());
    if (n == 0) throw InputError(path, "", "the file ended while it was read (changed while reading?)");
    hash.write(piece.data(), static_cast<std::streamsize>(n));
    offset += n;
  }
  hash.flush();
  const uint64_t digest = hash.digest();
  const std::lock_guard<std::mutex> lock(cache.mutex);
  ++cache.files_hashed;
  // Kept only if the file did not change while it was read.
  timespec now {};
  ::clock_gettime(CLOCK_REALTIME, &now);
  const int64_t now_ns = static_cast<int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
  if (file_version(file.fd(), path) == version && version.ctime_ns < now_ns - kSettledNs)
    cache.by_path[path] = {version, digest};
  return digest;
}

// A talker file must be a regular file libsndfile can read, with a rate, channel count and length
// within audio.h's limits and finite samples: the same checks reading it for the call makes, on
// the same part of it (talker_read_limits).
void check_talker_file(const JsonNode& f, TalkerSource& t, sim::Duration duration) {
  try {
    const audio::AudioInfo info = audio::check_audio_file(t.file, talker_read_limits(duration));
    t.channels = info.channels;
    t.peak = info.peak;
    t.cut_short = audio::cut_short_note(info);
    t.seconds_read = static_cast<double>(info.frames_read) / info.sample_rate_hz;
    t.mean = info.mean;
    t.ac_rms = info.ac_rms;
    t.content_hash = file_content_hash(t.file);
  } catch (const InputError& e) {
    f.fail("talker file '" + f.string() + "': " + e.what());  // e names the resolved path
  }
}

TalkerSource parse_talker(const JsonNode& n, const PeerParseContext& ctx) {
  TalkerSource t;
  if (n.is_string()) {
    if (n.string().empty()) n.fail("talker name must not be empty");
    t.builtin = check_builtin_talker(n);
    return t;
  }
  n.expect_keys({"builtin", "file"});
  if (n.has("builtin") == n.has("file")) n.fail("give exactly one of 'builtin' or 'file'");
  if (auto b = n.find("builtin")) t.builtin = check_builtin_talker(*b);
  if (auto f = n.find("file")) {
    if (f->string().empty()) f->fail("expected an audio file name");
    t.file = resolve_path(ctx.base_dir, f->string());
    check_talker_file(*f, t, ctx.duration);
  }
  return t;
}

std::vector<TalkInterval> parse_talk(const JsonNode& n, const PeerParseContext& ctx) {
  std::vector<TalkInterval> out;
  sim::Duration previous_end = sim::Duration::zero();
  for (const JsonNode& item : n.elements()) {
    item.expect_keys({"start_s", "end_s"});
    const double start = item.at("start_s").number(Range::at_least(0));
    const JsonNode end_node = item.at("end_s");
    const double end = end_node.number(Range::positive());
    if (end <= start) end_node.fail("end_s " + end_node.json().dump() + " must be after start_s");
    TalkInterval ti{sim::Duration::from_seconds(start), sim::Duration::from_seconds(end)};
    if (ti.end > ctx.duration) end_node.fail("talk interval ends after the call (" + std::to_string(ctx.duration.to_seconds()) + " s)");
    if (ti.start < previous_end) item.at("start_s").fail("talk intervals must be in order and must not overlap");
    previous_end = ti.end;
    out.push_back(ti);
  }
  return out;
}

}  // namespace

uint64_t talker_files_hashed() {
  HashCache& cache = hash_cache();
  const std::lock_guard<std::mutex> lock(cache.mutex);
  return cache.files_hashed;
}

codec::EncoderConfig parse_codec(const JsonNode& n) {
  n.expect_keys({"sample_rate_hz", "application", "bitrate_kbps", "rate_control", "complexity", "frame_ms",
                 "max_bandwidth", "fec", "expected_loss_pct", "dtx"});
  codec::EncoderConfig c;
  if (auto r = n.find("sample_rate_hz")) {
    const int64_t v = r->integer();
    if (v != 8000 && v != 12000 && v != 16000 && v != 24000 && v != 48000)
      r->fail(std::to_string(v) + " is not one of: 8000, 12000, 16000, 24000, 48000");
    c.sample_rate_hz = static_cast<int>(v);
  }
  c.application = n.choice_or("application", "voip", {"voip", "audio"}) == "voip" ? codec::Application::kVoip
                                                                                 : codec::Application::kAudio;
  c.bitrate_bps = static_cast<int>(std::lround(n.number_or("bitrate_kbps", 32.0, Range::closed(6, 510)) * 1000));
  const std::string rc = n.choice_or("rate_control", "vbr", {"vbr", "cvbr", "cbr"});
  c.rate_control = rc == "vbr" ? codec::RateControl::kVbr : rc == "cvbr" ? codec::RateControl::kConstrainedVbr
                                                                        : codec::RateControl::kCbr;
  c.complexity = static_cast<int>(n.integer_or("complexity", 9, Range::closed(0, 10)));
  if (auto f = n.find("frame_ms")) {
    const int64_t v = f->integer();
    if (v != 10 && v != 20 && v != 40 && v != 60) f->fail(std::to_string(v) + " is not one of: 10, 20, 40, 60");
    c.frame_ms = static_cast<int>(v);
  }
  if (auto b = n.find("max_bandwidth")) c.max_bandwidth = parse_bandwidth(*b);
  c.inband_fec = n.boolean_or("fec", false);
  c.expected_loss_pct = static_cast<int>(n.integer_or("expected_loss_pct", c.inband_fec ? 10 : 0, Range::closed(0, 100)));
  c.dtx = n.boolean_or("dtx", false);
  return c;
}

jitter::JitterBufferConfig parse_jitter_buffer(const JsonNode& n, const PeerParseContext& ctx) {
  jitter::JitterBufferConfig j;
  if (n.has("plugin")) {
    n.expect_keys({"plugin", "config"});
    j.kind = jitter::JitterBufferKind::kPlugin;
    const JsonNode plugin = n.at("plugin");
    // Absolute: dlopen() would search the library path for a name without a slash.
    j.plugin_path = std::filesystem::absolute(resolve_path(ctx.base_dir, plugin.string())).lexically_normal().string();
    try {
      require_regular_file(j.plugin_path, "a plugin library");
      j.plugin_fingerprint = jitter::plugin_fingerprint(j.plugin_path);
    } catch (const InputError& e) {
      plugin.fail("plugin library '" + plugin.string() + "': " + e.what());
    }
    j.plugin_config_json = "{}";
    if (auto c = n.find("config")) {
      if (!c->is_object()) c->fail("expected an object");
      j.plugin_config_json = c->json().dump();
    }
    return j;
  }
  const std::string type = n.choice_or("type", "adaptive", {"fixed", "adaptive", "speex"});
  if (type == "fixed") {
    n.expect_keys({"type", "delay_ms", "fec"});
    j.kind = jitter::JitterBufferKind::kFixed;
    j.fixed.delay_ms = n.number_or("delay_ms", j.fixed.delay_ms, Range::closed(0, 5000));
    j.fixed.use_fec = n.boolean_or("fec", true);
  } else if (type == "speex") {
    n.expect_keys({"type", "margin_ms", "max_late_rate_pct", "fec"});
    j.kind = jitter::JitterBufferKind::kSpeex;
    j.speex.use_fec = n.boolean_or("fec", j.speex.use_fec);
    j.speex.margin_ms = n.number_or("margin_ms", j.speex.margin_ms, Range::closed(0, 3000));
    j.speex.max_late_rate_pct = static_cast<int>(n.integer_or("max_late_rate_pct", j.speex.max_late_rate_pct, Range::closed(0, 100)));
  } else {
    n.expect_keys({"type", "min_delay_ms", "max_delay_ms", "start_delay_ms", "quantile", "forget_factor",
                   "max_late_fraction", "peak_detection", "time_stretch", "fec"});
    j.kind = jitter::JitterBufferKind::kAdaptive;
    auto& a = j.adaptive;
    a.min_delay_ms = n.number_or("min_delay_ms", a.min_delay_ms, Range::closed(0, 5000));
    a.max_delay_ms = n.number_or("max_delay_ms", a.max_delay_ms, Range::closed(10, 10000));
    if (a.max_delay_ms < a.min_delay_ms) {
      // Name the key that is there: max_delay_ms may be left at its default (2000), and n.at() on
      // an absent key read "missing required key 'max_delay_ms'" for an optional key.
      const std::optional<JsonNode> max_node = n.find("max_delay_ms");
      char text[160];
      std::snprintf(text, sizeof text, "max_delay_ms (%g%s) must be >= min_delay_ms (%g)", a.max_delay_ms,
                    max_node ? "" : ", the default", a.min_delay_ms);
      (max_node ? *max_node : n.at("min_delay_ms")).fail(text);
    }
    a.start_delay_ms = n.number_or("start_delay_ms", a.start_delay_ms, Range::closed(0, 5000));
    a.quantile = n.number_or("quantile", a.quantile, Range{0.5, 1.0, false, true});
    a.forget_factor = n.number_or("forget_factor", a.forget_factor, Range{0.9, 1.0, false, true});
    a.max_late_fraction = n.number_or("max_late_fraction", a.max_late_fraction, Range::probability());
    a.peak_detection = n.boolean_or("peak_detection", a.peak_detection);
    a.time_stretch = n.boolean_or("time_stretch", a.time_stretch);
    a.use_fec = n.boolean_or("fec", a.use_fec);
  }
  return j;
}

PeerConfig parse_peer(const std::string& name, const JsonNode& n, const PeerParseContext& ctx) {
  n.expect_keys({"talker", "talk", "codec", "jitter_buffer", "clock_drift_ppm"});
  PeerConfig p;
  p.name = name;
  if (auto t = n.find("talker")) p.talker = parse_talker(*t, ctx);
  else p.talker.builtin = "en_female";
  // No "talk": the whole call. An empty list: never (a muted microphone; the direction sends
  // silence, and P.862 has no reference speech to score).
  if (auto t = n.find("talk")) p.talk = parse_talk(*t, ctx);
  else p.talk = {TalkInterval{sim::Duration::zero(), ctx.duration}};
  if (auto c = n.find("codec")) p.codec = parse_codec(*c);
  if (auto j = n.find("jitter_buffer")) p.jitter_buffer = parse_jitter_buffer(*j, ctx);
  p.clock_drift_ppm = n.number_or("clock_drift_ppm", 0.0, Range::closed(-1000, 1000));
  return p;
}

}  // namespace callsim::scenario
