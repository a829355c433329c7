// Audio players of a call page. The reference and degraded WAV of a direction are encoded for the
// browser into the report's audio/ folder (Ogg/Opus at kOpusBitrateBps by default: a 20 s direction
// is about 120 kB instead of 1.9 MB of 48 kHz WAV; FLAC or the WAV itself on request), linked
// relatively, or left out. Files with identical bytes (the same talker and talk schedule in many
// calls) are stored once, under the name of their first use: <slug>_<from>-to-<to>_<key>.<ext>.
#include <fstream>
#include <sstream>
#include <system_error>

#include "audio/audio.h"
#include "common/file_read.h"
#include "harness/report/report_html.h"
#include "harness/report/report_internal.h"
#include "sim/random.h"

namespace callsim::harness::report_detail {
namespace {

namespace fs = std::filesystem;

// Near-transparent for speech played back in a browser; the artefacts a listener looks for
// (concealment, time stretching, clipped words) are far above Opus's coding noise at this rate.
constexpr int kOpusBitrateBps = 48000;

std::string extension(AudioMode mode) {
  switch (mode) {
    case AudioMode::kOpus: return ".opus";
    case AudioMode::kFlac: return ".flac";
    default: return ".wav";
  }
}

std::string file_bytes(const fs::path& path) {
  require_regular_file(path.string(), "audio file");  // a FIFO in the call folder would hang
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Stores `src` in root/audio (once per content) and returns its path relative to the root.
std::string store(Context& ctx, const fs::path& src, const std::string& name) {
  const std::string bytes = file_bytes(src);
  const std::string key = std::to_string(sim::stable_hash(bytes)) + ":" + std::to_string(bytes.size());
  if (auto it = ctx.audio_files.find(key); it != ctx.audio_files.end()) return it->second;
  const std::string rel = "audio/" + name + extension(ctx.options.audio);
  fs::create_directories(ctx.root / "audio");
  const fs::path dst = ctx.root / rel;
  if (ctx.options.audio == AudioMode::kWav) {
    fs::copy_file(src, dst, fs::copy_options::overwrite_existing);
  } else {
    const audio::Signal signal = audio::read_audio(src);
    if (ctx.options.audio == AudioMode::kOpus)
      audio::write_audio_opus(dst, signal, kOpusBitrateBps);
    else
      audio::write_audio16(dst, signal);
  }
  ctx.audio_files.emplace(key, rel);
  return rel;
}

}  // namespace

std::string audio_player(Context& ctx, const CallRecord& call, const nlohmann::json* d,
                         const std::string& direction, const std::string& key, const std::string& label,
                         const fs::path& page_dir) {
  if (ctx.options.audio == AudioMode::kNone) return "";
  const fs::path src = call_file(call, d, direction, key, key + ".wav");
  std::error_code ec;
  if (call.dir.empty() || !fs::exists(src, ec)) {
    ctx.summary.warnings.push_back(call.id + " " + direction + ": no " + key + " audio (" + src.string() +
                                   ")");
    return "<div><label>" + html_escape(label) + "</label><span class=\"note\">not recorded</span></div>\n";
  }
  std::string href;
  if (ctx.options.audio == AudioMode::kLink) {
    href = fs::relative(fs::absolute(src), fs::absolute(page_dir)).generic_string();
  } else {
    const std::string rel =
        store(ctx, src, ctx.slugs.at(call.id) + "_" + scenario::direction_folder(direction) + "_" + key);
    href = fs::relative(ctx.root / rel, page_dir).generic_string();
  }
  return "<div><label>" + html_escape(label) + "</label><audio controls preload=\"metadata\" src=\"" +
         html_escape(url_path(href)) + "\"></audio></div>\n";
}

}  // namespace callsim::harness::report_detail
