#include "call/call_output.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "call/residual_loss.h"
#include "common/atomic_file.h"
#include "common/error.h"
#include "common/staged_dir.h"
#include "json/json_node.h"
#include "rtp/pcap_writer.h"
#include "scenario/scenario.h"

namespace callsim::call {
namespace {

using nlohmann::json;

std::string fixed(double v, int decimals = 3) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string timeline_csv(const DirectionResult& d) {
  std::ostringstream os;
  os << "start_ms,packets_sent,packets_lost,packets_arrived,network_delay_ms,buffer_delay_ms,target_delay_ms,"
        "concealed_frames,stretched_frames,fec_frames,mouth_to_ear_ms\n";
  for (const auto& b : d.timeline) {
    os << fixed(b.start_ms, 0) << ',' << b.packets_sent << ',' << b.packets_lost << ',' << b.packets_arrived
       << ',' << (b.network_delay_ms ? fixed(*b.network_delay_ms) : "") << ','
       << (b.buffer_delay_ms ? fixed(*b.buffer_delay_ms) : "") << ','
       << (b.target_delay_ms ? fixed(*b.target_delay_ms) : "") << ',' << b.concealed_frames << ',' << b.stretched_frames << ','
       << b.fec_frames << ',' << (b.mouth_to_ear_ms ? fixed(*b.mouth_to_ear_ms) : "") << '\n';
  }
  return os.str();
}

std::string frames_csv(const DirectionResult& d) {
  std::ostringstream os;
  os << "frame,play_ms,type,mouth_to_ear_ms,buffer_delay_ms,target_delay_ms,jitter_buffer_delay_ms\n";
  for (size_t i = 0; i < d.frames.size(); ++i) {
    const auto& f = d.frames[i];
    os << i << ',' << fixed(f.play_time.to_ms(), 6) << ',' << jitter::to_string(f.type) << ','
       << (f.mouth_to_ear_ms ? fixed(*f.mouth_to_ear_ms, 6) : "") << ',' << fixed(f.buffer_delay_ms) << ','
       << fixed(f.target_delay_ms) << ',' << (f.jitter_buffer_delay_ms ? fixed(*f.jitter_buffer_delay_ms, 6) : "")
       << '\n';
  }
  return os.str();
}

// `playout`: what became of the packet's frame in the audio played (call/residual_loss.h) — played
// from the packet, rebuilt from the next packet's FEC, or missing; empty on a duplicate's row. The
// residual loss, its burst ratio (the E-model's Ppl and BurstR) and the FEC recoveries count these.
const char* playout_text(FrameFate f) {
  switch (f) {
    case FrameFate::kPlayed: return "played";
    case FrameFate::kFecRecovered: return "fec";
    case FrameFate::kMissing: return "missing";
  }
  return "";
}

// `discarded`: why the receiver threw this copy away (DirectionResult::discards), empty when it did
// not: `refused` before the jitter buffer, or the buffer's reason (`late`, `undecodable`, ...).
std::string packets_csv(const DirectionResult& d) {
  const std::vector<FrameFate> fates = frame_fates(d, d.frame_ticks);
  std::ostringstream os;
  os << "sequence,send_ms,arrival_ms,delay_ms,cause,duplicate,corrupted,playout,discarded\n";
  size_t sent = 0;
  for (size_t row = 0; row < d.packets.size(); ++row) {
    const auto& p = d.packets[row];
    const auto& v = p.delivery;
    const auto discard = d.discards.find(row);
    os << p.sequence << ',' << fixed(v.sent.to_ms(), 6) << ','
       << (v.delivered() ? fixed(v.arrival.to_ms(), 6) : "") << ','
       << (v.delivered() ? fixed(v.delay().to_ms(), 6) : "") << ',' << sim::net::to_string(v.cause) << ','
       << v.duplicate << ',' << v.corrupted << ',' << (v.duplicate ? "" : playout_text(fates.at(sent++))) << ','
       << (discard == d.discards.end() ? "" : discard->second) << '\n';
  }
  return os.str();
}

}  // namespace

namespace {

// Why `dir` (existing, not empty) is not an earlier call's output folder, or "" when it is: a
// result.json that callsim wrote (a JSON object with its version and directions) and nothing but
// what a call writes beside it. Anything else is the user's and is left alone (a stray result.json
// does not make a folder replaceable).
std::string why_not_a_call_output(const std::filesystem::path& dir, const OutputOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_regular_file(fs::symlink_status(dir / "result.json", ec))) return "no result.json";
  {
    std::ifstream in(dir / "result.json", std::ios::binary);
    const json j = json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object() || !j.contains("callsim_version") || !j.contains("directions"))
      return "its result.json is not one callsim wrote";
  }
  static const std::set<std::string> kDirectionFiles = {"reference.wav", "degraded.wav", "timeline.csv",
                                                        "frames.csv",    "packets.csv",  "receiver.pcap"};
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const bool extra = std::any_of(options.extra_files.begin(), options.extra_files.end(),
                                   [&](const auto& f) { return f.first == name; });
    if (name == "result.json" || extra) continue;
    const bool direction = entry.is_directory(ec) && !entry.is_symlink(ec) && name.find("-to-") != std::string::npos;
    if (!direction) return "it holds " + name + ", which a call does not write";
    for (const auto& file : fs::directory_iterator(entry.path(), ec))
      if (!kDirectionFiles.count(file.path().filename().string()))
        return "it holds " + name + "/" + file.path().filename().string() + ", which a call does not write";
  }
  return "";
}

// result.json as written beside the files: it names only the files that were written, and gives a
// `callsim score` command only where the audio it scores was written (--no-audio writes none).
json written_result_json(const CallResult& r, const OutputOptions& options) {
  json j = result_to_json(r);
  for (auto& [name, d] : j.at("directions").items()) {
    json& files = d.at("files");
    if (!options.audio) {
      files.erase("reference");
      files.erase("degraded");
      for (const char* mode : {"pesq_nb", "pesq_wb"}) {
        if (!d.at("quality").contains(mode)) continue;
        json& block = d.at("quality").at(mode);
        if (!block.contains("command")) continue;
        block.erase("command");
        block["command_unavailable"] = "the audio was not written (run without --no-audio to reproduce these scores)";
      }
    }
    if (!options.pcap) files.erase("pcap");
    if (!options.csv)
      for (const char* csv : {"timeline", "frames", "packets"}) files.erase(csv);
  }
  return j;
}

void write_files(const CallResult& r, const std::filesystem::path& out, const OutputOptions& options) {
  for (const auto& d : r.directions) {
    const auto sub = out / scenario::direction_folder(d.name);
    create_folder(sub);
    if (options.audio) {
      audio::write_audio16(sub / "reference.wav", d.reference);
      audio::write_audio16(sub / "degraded.wav", d.degraded);
    }
    if (options.csv) {
      write_file_atomic(sub / "timeline.csv", timeline_csv(d));
      write_file_atomic(sub / "frames.csv", frames_csv(d));
      write_file_atomic(sub / "packets.csv", packets_csv(d));
    }
    if (options.pcap) {
      rtp::PcapWriter pcap(sub / "receiver.pcap");
      for (const auto& a : d.arrivals) pcap.write(a.arrival, a.bytes);
      pcap.commit();
    }
  }
  write_file_atomic(out / "result.json", json_text(written_result_json(r, options), 2) + "\n");
  for (const auto& [name, content] : options.extra_files) write_file_atomic(out / name, content);
}

}  // namespace

void write_call_outputs(const CallResult& r, const std::filesystem::path& dir, const OutputOptions& options) {
  if (!options.replace_any)
    check_replaceable(dir, [&](const std::filesystem::path& d) { return why_not_a_call_output(d, options); },
                      "a call's output folder");
  StagedDir staged(dir);  // complete or absent: written aside, synced, then swapped into place
  try {
    write_files(r, staged.path(), options);
  } catch (const OutputError& e) {  // name the file as the user will look for it
    throw OutputError(staged.as_target(e.path()), e.reason());
  }
  std::vector<std::filesystem::path> markers = {"result.json"};
  for (const auto& [name, content] : options.extra_files) markers.emplace_back(name);
  staged.commit(options.sync_markers_only ? &markers : nullptr);
}

}  // namespace callsim::call
