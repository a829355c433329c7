#include "jitter_test_support.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace callsim::jitter::testing {

std::vector<uint8_t> fake_encode(std::span<const float> frame, std::span<const float> previous, bool fec) {
  const auto n = static_cast<uint16_t>(frame.size());
  std::vector<uint8_t> p = {static_cast<uint8_t>(fec && !previous.empty() ? 1 : 0),
                            static_cast<uint8_t>(n & 0xff), static_cast<uint8_t>(n >> 8)};
  for (float x : frame) {
    const auto v =
        static_cast<uint16_t>(static_cast<int16_t>(std::clamp(std::lround(x * 32768.0f), -32768L, 32767L)));
    p.push_back(static_cast<uint8_t>(v & 0xff));
    p.push_back(static_cast<uint8_t>(v >> 8));
  }
  if (p[0] & 1)
    for (float x : previous)
      p.push_back(
          static_cast<uint8_t>(static_cast<int8_t>(std::clamp(std::lround(x * 127.0f), -127L, 127L))));
  return p;
}

bool fake_has_fec(std::span<const uint8_t> payload) { return !payload.empty() && (payload[0] & 1); }

int FakeDecoder::payload_samples(std::span<const uint8_t> p) const {
  if (p.size() < 3) return 0;
  const int n = p[1] | (p[2] << 8);
  const size_t want = 3 + 2 * static_cast<size_t>(n) + ((p[0] & 1) ? static_cast<size_t>(n) : 0);
  return p.size() == want ? n : 0;
}

std::vector<float> FakeDecoder::decode(std::span<const uint8_t> p) {
  const int n = payload_samples(p);
  if (n == 0) return {};
  ++decodes;
  std::vector<float> out(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    const auto v = static_cast<int16_t>(p[3 + 2 * i] | (p[4 + 2 * i] << 8));
    out[static_cast<size_t>(i)] = static_cast<float>(v) / 32768.0f;
  }
  history_ = out;
  gain_ = 1.0f;
  return out;
}

std::vector<float> FakeDecoder::conceal(int samples) {
  if (samples <= 0 || samples % (rate_ / 400) != 0)
    throw std::invalid_argument("fake conceal: not 2.5 ms multiple");
  ++conceals;
  std::vector<float> out(static_cast<size_t>(samples), 0.0f);
  const size_t period = static_cast<size_t>(rate_ / 200);
  if (history_.size() >= period) {
    const std::vector<float> last(history_.end() - static_cast<std::ptrdiff_t>(period), history_.end());
    gain_ *= 0.8f;
    for (size_t i = 0; i < out.size(); ++i) out[i] = gain_ * last[i % period];
  }
  return out;
}

std::vector<float> FakeDecoder::decode_fec(std::span<const uint8_t> next, int samples) {
  const int n = payload_samples(next);
  if (n == 0 || !(next[0] & 1) || samples < n) return conceal(samples);
  ++fec_decodes;
  std::vector<float> out;
  if (samples > n) out = conceal(samples - n);
  for (int i = 0; i < n; ++i)
    out.push_back(static_cast<float>(
                      static_cast<int8_t>(next[3 + 2 * static_cast<size_t>(n) + static_cast<size_t>(i)])) /
                  127.0f);
  history_.assign(out.end() - n, out.end());
  gain_ = 1.0f;
  return out;
}

std::vector<float> harmonic_signal(int rate, double seconds, double f0, double amplitude) {
  std::vector<float> x(static_cast<size_t>(seconds * rate));
  const double norm = amplitude / (1 + 1.0 / 2 + 1.0 / 3 + 1.0 / 4 + 1.0 / 5);
  for (size_t i = 0; i < x.size(); ++i) {
    double v = 0;
    for (int k = 1; k <= 5; ++k)
      v += std::sin(2 * std::numbers::pi * f0 * k * static_cast<double>(i) / rate) / k;
    x[i] = static_cast<float>(norm * v);
  }
  return x;
}

std::vector<float> talkspurt_signal(int rate, double seconds, double talk_s, double pause_s) {
  std::vector<float> x = harmonic_signal(rate, seconds);
  const double cycle = talk_s + pause_s;
  for (size_t i = 0; i < x.size(); ++i) {
    const double t = std::fmod(static_cast<double>(i) / rate, cycle);
    if (t >= talk_s) x[i] = 0.0f;
  }
  return x;
}

namespace {
double rms(std::span<const float> x) {
  double e = 0;
  for (float v : x) e += static_cast<double>(v) * v;
  return x.empty() ? 0 : std::sqrt(e / static_cast<double>(x.size()));
}

template <typename Encode>
std::vector<SentPacket> packetize(std::span<const float> signal, int rate, int frame,
                                  const StreamOptions& opt, Encode encode) {
  std::vector<SentPacket> out;
  bool resumed = true;
  int silent_run = 0;
  for (size_t i = 0; (i + 1) * static_cast<size_t>(frame) <= signal.size(); ++i) {
    const auto pcm = signal.subspan(i * static_cast<size_t>(frame), static_cast<size_t>(frame));
    const auto prev = i == 0
                          ? std::span<const float>{}
                          : signal.subspan((i - 1) * static_cast<size_t>(frame), static_cast<size_t>(frame));
    std::vector<uint8_t> payload = encode(pcm, prev);
    silent_run = opt.dtx_below_rms >= 0 && rms(pcm) < opt.dtx_below_rms ? silent_run + 1 : 0;
    if (payload.size() <= 2 || silent_run > opt.dtx_hangover) {
      resumed = false;
      continue;
    }
    SentPacket s;
    s.packet.sequence = static_cast<uint16_t>(opt.first_sequence + out.size());
    s.packet.rtp_timestamp =
        opt.first_timestamp + static_cast<uint32_t>(i * static_cast<size_t>(frame) * (48000 / rate));
    s.packet.marker = !resumed;
    s.packet.payload = std::move(payload);
    s.send_time = sim::Timestamp::from_ns(static_cast<int64_t>(i) * frame * 1000000000LL / rate);
    resumed = true;
    out.push_back(std::move(s));
  }
  return out;
}
}  // namespace

std::vector<SentPacket> make_stream(std::span<const float> signal, int rate, const StreamOptions& opt) {
  const int frame = rate * opt.frame_ms / 1000;
  return packetize(signal, rate, frame, opt, [&](std::span<const float> pcm, std::span<const float> prev) {
    return fake_encode(pcm, prev, opt.fec);
  });
}

std::vector<SentPacket> make_stream(std::span<const float> signal, codec::Encoder& encoder,
                                    const StreamOptions& opt) {
  return packetize(signal, encoder.sample_rate_hz(), encoder.frame_samples(), opt,
                   [&](std::span<const float> pcm, std::span<const float>) { return encoder.encode(pcm); });
}

std::vector<ReceivedPacket> deliver(const std::vector<SentPacket>& sent, const DelayFn& delay) {
  std::vector<ReceivedPacket> out;
  for (size_t i = 0; i < sent.size(); ++i) {
    const auto d = delay(i, sent[i].send_time);
    if (!d) continue;
    ReceivedPacket p = sent[i].packet;
    p.arrival = sent[i].send_time + *d;
    out.push_back(std::move(p));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.arrival < b.arrival; });
  return out;
}

DelayFn normal_delay(double base_ms, double sd_ms, uint64_t seed, double loss) {
  auto rng = std::make_shared<sim::RandomStream>(seed, "test/network");
  return [=](size_t, sim::Timestamp) -> std::optional<sim::Duration> {
    const double jitter = std::max(0.0, rng->normal(0.0, sd_ms));
    if (loss > 0 && rng->bernoulli(loss)) return std::nullopt;
    return sim::Duration::from_ms(base_ms + jitter);
  };
}

std::vector<float> RunResult::audio() const {
  std::vector<float> a;
  for (const auto& f : frames) a.insert(a.end(), f.samples.begin(), f.samples.end());
  return a;
}

RunResult run(JitterBuffer& jb, std::vector<ReceivedPacket> arrivals, sim::Duration duration,
              double drift_ppm) {
  RunResult r;
  size_t next = 0;
  const double step_ns = 1e7 * (1.0 + drift_ppm * 1e-6);
  for (int64_t i = 0;; ++i) {
    const auto now = sim::Timestamp::from_ns(std::llround(static_cast<double>(i) * step_ns));
    if (now.ns() >= duration.ns()) break;
    while (next < arrivals.size() && arrivals[next].arrival <= now) jb.insert(std::move(arrivals[next++]));
    r.frames.push_back(jb.pull(now));
    r.times.push_back(now);
    r.delay_ms.push_back(jb.current_delay_ms());
    r.target_ms.push_back(jb.target_delay_ms());
  }
  return r;
}

std::vector<float> decode_all(const std::vector<SentPacket>& sent, codec::Decoder& decoder) {
  std::vector<float> out;
  for (const auto& s : sent) {
    const auto pcm = decoder.decode(s.packet.payload);
    out.insert(out.end(), pcm.begin(), pcm.end());
  }
  return out;
}

std::vector<double> mouth_to_ear_ms(const RunResult& r, uint32_t first_ts, sim::Timestamp from) {
  std::vector<double> out;
  for (size_t i = 0; i < r.frames.size(); ++i) {
    if (r.times[i] < from || !r.frames[i].playout_rtp_timestamp) continue;
    const double sent_ms =
        static_cast<double>(static_cast<uint32_t>(*r.frames[i].playout_rtp_timestamp - first_ts)) / 48.0;
    out.push_back(r.times[i].to_ms() - sent_ms);
  }
  return out;
}

double mean(std::span<const double> v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / static_cast<double>(v.size());
}

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto idx = static_cast<size_t>(
      std::clamp(q * static_cast<double>(v.size() - 1), 0.0, static_cast<double>(v.size() - 1)));
  return v[idx];
}

}  // namespace callsim::jitter::testing
