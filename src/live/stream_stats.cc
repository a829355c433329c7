#include "live/stream_stats.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "common/error.h"
#include "common/text_parse.h"

namespace callsim::live {
namespace {

using json = nlohmann::json;

rtp::ReceiveConfig receive_config(int clock_rate_hz) {
  rtp::ReceiveConfig c;
  c.clock_rate_hz = clock_rate_hz > 0 ? clock_rate_hz : 8000;  // unknown: jitter not reported
  return c;
}

json ms_or_null(bool known, double ms) { return known ? json(ms) : json(nullptr); }

}  // namespace

PayloadTypes::PayloadTypes() {
  // RFC 3551 table 4/5 (audio and video static payload types).
  const struct {
    uint8_t pt;
    const char* map;
    int rate;
  } statics[] = {{0, "PCMU/8000", 8000},  {3, "GSM/8000", 8000},    {4, "G723/8000", 8000},
                 {5, "DVI4/8000", 8000},  {6, "DVI4/16000", 16000}, {7, "LPC/8000", 8000},
                 {8, "PCMA/8000", 8000},  {9, "G722/8000", 8000},   {10, "L16/44100/2", 44100},
                 {11, "L16/44100", 44100}, {12, "QCELP/8000", 8000}, {13, "CN/8000", 8000},
                 {14, "MPA/90000", 90000}, {15, "G728/8000", 8000},  {16, "DVI4/11025", 11025},
                 {17, "DVI4/22050", 22050}, {18, "G729/8000", 8000}, {25, "CelB/90000", 90000},
                 {26, "JPEG/90000", 90000}, {28, "nv/90000", 90000}, {31, "H261/90000", 90000},
                 {32, "MPV/90000", 90000}, {33, "MP2T/90000", 90000}, {34, "H263/90000", 90000}};
  for (const auto& s : statics) {
    rate_[s.pt] = s.rate;
    map_[s.pt] = s.map;
  }
}

// "PT=ENCODING/RATE[/CHANNELS]" as in SDP's a=rtpmap (RFC 8866 6.6): PT 0..127, an encoding
// name of letters, digits and - _ . + (RFC 4855 media subtype names), RATE 1000..10000000 Hz,
// CHANNELS 1..255; nothing else.
void PayloadTypes::add(const std::string& spec, const std::string& option) {
  auto refuse = [&](const std::string& what) {
    throw InputError("", option,
                     "'" + spec + "': " + what + "; expected PT=ENCODING/RATE[/CHANNELS], PT 0..127, RATE " +
                         "1000..10000000 Hz, CHANNELS 1..255 (e.g. 111=opus/48000/2)");
  };
  const std::string_view view(spec);
  const size_t eq = view.find('=');
  if (eq == std::string_view::npos) refuse("no '='");
  std::vector<std::string_view> fields;
  for (size_t start = eq + 1;;) {
    const size_t slash = view.find('/', start);
    fields.push_back(view.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  unsigned pt = 0, channels = 1;
  int rate = 0;
  if (!parse_whole_number(view.substr(0, eq), pt) || pt > 127) refuse("the payload type is not 0..127");
  if (fields.size() < 2 || fields.size() > 3) refuse("expected ENCODING/RATE or ENCODING/RATE/CHANNELS");
  const bool name_ok = !fields[0].empty() && fields[0].size() <= 64 &&
                       std::all_of(fields[0].begin(), fields[0].end(), [](char ch) {
                         return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' ||
                                ch == '.' || ch == '+';
                       });
  if (!name_ok) refuse("the encoding name must be 1 to 64 letters, digits, '-', '_', '.', '+'");
  if (!parse_whole_number(fields[1], rate) || rate < 1000 || rate > 10000000) refuse("the rate is not 1000..10000000");
  if (fields.size() == 3 && (!parse_whole_number(fields[2], channels) || channels < 1 || channels > 255))
    refuse("the channel count is not 1..255");
  rate_[pt] = rate;
  map_[pt] = spec.substr(eq + 1);
}

RtpStreamStats::RtpStreamStats(uint32_t ssrc, uint8_t payload_type, const PayloadTypes* types)
    : ssrc_(ssrc),
      types_(types),
      payload_type_(payload_type),
      payload_types_{payload_type},
      clock_rate_hz_(types->clock_rate_hz(payload_type)),
      first_clock_rate_hz_(clock_rate_hz_),
      rfc_(receive_config(clock_rate_hz_)),
      wireshark_(clock_rate_hz_ > 0 ? clock_rate_hz_ : 8000) {}

void RtpStreamStats::on_packet(const RtpFields& rtp, sim::Timestamp t) {
  ++packets_;
  if (rtp.payload_type != payload_type_) {
    payload_type_ = rtp.payload_type;
    if (std::find(payload_types_.begin(), payload_types_.end(), payload_type_) == payload_types_.end() &&
        payload_types_.size() < 128)
      payload_types_.push_back(payload_type_);
    const int clock = types_->clock_rate_hz(payload_type_);
    if (clock != clock_rate_hz_) {
      rfc_.restart_jitter(clock > 0 ? clock : 8000);  // unknown: estimated but not reported
      clock_rate_hz_ = clock;
      ++jitter_restarts_;
    }
  }
  unknown_clock_ = unknown_clock_ || clock_rate_hz_ == 0;
  const rtp::ReceiveCounts before = rfc_.counts();
  const bool validated_before = rfc_.validated();
  const rtp::Arrival a = rfc_.on_packet(rtp.sequence, rtp.timestamp, t);
  wireshark_.on_packet(rtp.sequence, rtp.timestamp, rtp.marker, t);
  if (a.kind == rtp::ArrivalKind::kRestart) {  // A.1 starts the counts over: keep the segment's
    prior_received_ += before.received;
    prior_expected_ += before.expected;
    // The jump itself is in no segment's `expected`: count the sequence numbers it skipped, from
    // the old highest to the ignored packet (this one's predecessor) that began the new run,
    // forward modulo 2^16 (a jump of more than 65535 numbers cannot be told apart).
    const auto old_highest = static_cast<uint16_t>(before.highest_extended_sequence);
    const auto first_of_run = static_cast<uint16_t>(rtp.sequence - 1);
    resync_skipped_ += std::max(0, static_cast<int>(static_cast<uint16_t>(first_of_run - old_highest)) - 1);
  }
  if (!rfc_.validated()) return;
  if (!validated_before || a.kind == rtp::ArrivalKind::kRestart) {
    highest_ = rfc_.counts().highest_extended_sequence;
  } else if (a.kind == rtp::ArrivalKind::kInOrder) {
    const int64_t skipped = a.extended_sequence - highest_ - 1;
    if (skipped > 0) {
      ++gaps_;
      gap_packets_ += skipped;
      max_gap_ = std::max(max_gap_, skipped);
    }
    highest_ = a.extended_sequence;
  }
}

rtp::ReceiveCounts RtpStreamStats::counts() const {
  rtp::ReceiveCounts c = rfc_.counts();
  c.received += prior_received_;
  c.expected += prior_expected_;
  c.lost = c.expected - c.received;
  return c;
}

json RtpStreamStats::to_json() const {
  const rtp::ReceiveCounts c = counts();
  const rtp::CaptureFigures& w = wireshark_.figures();
  const bool clock = clock_rate_hz_ > 0;
  const bool valid = rfc_.validated();
  // A figure that was not measured is null: A.1/A.3 before validation, jitter without a clock
  // or before a second packet on the current one.
  auto count = [&](int64_t v) { return valid ? json(v) : json(nullptr); };
  const bool jitter_now = clock && c.jitter_clock_updates > 0;
  const bool jitter_ever = c.jitter_updates > 0 && !unknown_clock_;  // every estimate on a known clock
  char ssrc[16];
  std::snprintf(ssrc, sizeof ssrc, "0x%08x", ssrc_);
  json rfc = {{"validated", valid},
              {"received", count(c.received)},
              {"expected", count(c.expected)},
              {"lost", count(c.lost)},
              // RFC 3550 6.4.1's fraction lost: lost / expected, 0 when duplicates make `lost`
              // negative (a fraction of packets cannot be below 0; `lost` keeps A.3's count).
              {"loss_fraction", valid && c.expected > 0
                                    ? json(static_cast<double>(std::max<int64_t>(0, c.lost)) / c.expected)
                                    : json(nullptr)},
              {"duplicates", count(c.duplicates)},
              {"reordered", count(c.reordered)},
              {"gaps", count(gaps_)},
              {"gap_packets", count(gap_packets_)},
              {"max_gap_packets", count(max_gap_)},
              {"ignored", c.ignored},
              {"restarts", c.restarts},
              // Not in expected/lost: see the header (an outage longer than A.1's 3000-number
              // dropout is a re-synchronisation, its packets are here and not in `lost`).
              {"resync_skipped_sequence_numbers", count(resync_skipped_)},
              {"jitter_ms", ms_or_null(jitter_now, c.jitter_ms)},
              {"jitter_mean_ms", ms_or_null(jitter_ever, c.mean_jitter_ms)},
              {"jitter_max_ms", ms_or_null(jitter_ever, c.max_jitter_ms)},
              {"jitter_restarts", jitter_restarts_}};
  // Wireshark's figures stay on the first payload type's clock: null once it changed.
  const bool ws_clock = first_clock_rate_hz_ > 0 && jitter_restarts_ == 0;
  const bool regular = w.max_jitter_ms >= 0 && w.min_jitter_ms >= 0;
  json ws = {{"packets", w.packets},
             {"lost", w.lost},
             {"max_delta_ms", regular ? json(w.max_delta_ms) : json(nullptr)},
             {"mean_jitter_ms", ms_or_null(ws_clock && regular, w.mean_jitter_ms)},
             {"max_jitter_ms", ms_or_null(ws_clock && regular, w.max_jitter_ms)}};
  return {{"ssrc", ssrc},
          {"packets", packets_},
          {"payload_type", payload_type_},
          {"payload_types", payload_types_},
          {"clock_rate_hz", clock ? json(clock_rate_hz_) : json(nullptr)},
          {"rfc3550", rfc},
          {"wireshark", ws}};
}

void SideStats::on_packet(sim::Timestamp t, size_t size, const Classified& c) {
  ++total_packets_;
  total_bytes_ += size;
  const size_t k = static_cast<size_t>(c.cls);
  ++packets_[k];
  bytes_[k] += size;
  turn_channel_ += c.turn_channel;
  if (c.cls != PacketClass::kRtp) return;
  for (size_t i = 0; i < streams_.size(); ++i) {
    if (streams_[i]->ssrc() == c.rtp.ssrc) {
      last_packet_[i] = total_packets_;
      return streams_[i]->on_packet(c.rtp, t);
    }
  }
  if (streams_.size() >= kMaxStreams) {
    // Every slot taken: the not-validated entry quiet for longest makes room (see the header).
    size_t victim = streams_.size();
    for (size_t i = 0; i < streams_.size(); ++i)
      if (!streams_[i]->validated() && (victim == streams_.size() || last_packet_[i] < last_packet_[victim]))
        victim = i;
    if (victim == streams_.size()) {
      ++untracked_rtp_;
      return;
    }
    evicted_packets_ += static_cast<uint64_t>(streams_[victim]->packets());
    ++evicted_ssrcs_;
    streams_.erase(streams_.begin() + static_cast<std::ptrdiff_t>(victim));
    last_packet_.erase(last_packet_.begin() + static_cast<std::ptrdiff_t>(victim));
  }
  streams_.push_back(std::make_unique<RtpStreamStats>(c.rtp.ssrc, c.rtp.payload_type, types_));
  last_packet_.push_back(total_packets_);
  streams_.back()->on_packet(c.rtp, t);
}

json SideStats::to_json() const {
  json classes = json::object();
  for (size_t k = 0; k < kPacketClassCount; ++k)
    classes[to_string(static_cast<PacketClass>(k))] = {{"packets", packets_[k]}, {"bytes", bytes_[k]}};
  json rtp = json::array();
  for (const auto& s : streams_) rtp.push_back(s->to_json());
  return {{"packets", total_packets_},
          {"bytes", total_bytes_},
          {"by_class", classes},
          {"turn_channel_data", turn_channel_},
          {"rtp_streams", rtp},
          {"rtp_untracked_packets", untracked_rtp_},
          {"rtp_unvalidated_evicted_packets", evicted_packets_},
          {"rtp_unvalidated_evicted_ssrcs", evicted_ssrcs_}};
}

}  // namespace callsim::live
