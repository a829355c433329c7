// `callsim emodel`: the E-model rating (src/quality/emodel.md) of given inputs — mouth-to-ear delay,
// residual loss, burst ratio and the Opus operating point. result.json's quality.emodel block
// carries the command line that rates its inputs again; with --json the output is that block (less
// the command) bit for bit. Numbers are read with std::from_chars, so the shortest round-trip text
// the command line holds gives back the very double the call rated (CLI11 reads through long double).
#include <iostream>
#include <memory>
#include <string>

#include "call/call_output.h"
#include "cli_numbers.h"
#include "commands.h"
#include "common/error.h"
#include "common/text_parse.h"
#include "quality/emodel.h"

namespace callsim::cli {
namespace {

struct EmodelArgs {
  std::string delay_ms, loss_pct, burst_r = "1";
  int bitrate_bps = 0;
  std::string rate_control = "vbr", max_band = "swb";
  bool json = false;
};

// The option's text as the very double it spells (the Number validator has checked its range).
double parse_double(const std::string& text, const std::string& option) {
  double v = 0;
  if (!parse_whole_number(text, v)) throw InputError("", option, "'" + text + "' is not a number");
  return v;
}

int run_emodel(const EmodelArgs& a) {
  quality::CallMeasurements m;
  m.mouth_to_ear_delay_ms = parse_double(a.delay_ms, "--delay-ms");
  m.packet_loss_pct = parse_double(a.loss_pct, "--loss-pct");
  m.burst_ratio = parse_double(a.burst_r, "--burst-r");
  m.bitrate_bps = a.bitrate_bps;
  m.mode = a.rate_control == "cbr" ? quality::OpusRateMode::kCbr : quality::OpusRateMode::kVbr;
  m.max_band = a.max_band == "nb"   ? quality::OpusMaxBand::kNarrowband
               : a.max_band == "wb" ? quality::OpusMaxBand::kWideband
                                    : quality::OpusMaxBand::kSuperwideband;
  if (const std::string why = quality::unrated_loss_reason(m.packet_loss_pct); !why.empty())
    throw InputError("", "--loss-pct", why + ": a call with it is not rated (src/quality/emodel.md)");
  const quality::CallRating r = quality::rate_call(m);
  const nlohmann::json block = call::emodel_json(r);
  if (a.json) {
    std::cout << block.dump(2) << "\n";
    return 0;
  }
  std::cout << "E-model " << block.at("model").get<std::string>() << " (" << block.at("scale").get<std::string>()
            << "): R " << block.at("r") << " (unclamped " << block.at("r_unclamped") << "), MOS-CQE "
            << block.at("mos_cqe") << "\n  Ie " << block.at("ie") << ", Bpl " << block.at("bpl") << ", Id "
            << block.at("id") << ", Ie,eff " << block.at("ie_eff") << " (BurstR applied "
            << block.at("inputs").at("burst_r_applied") << ")\n";
  return 0;
}

}  // namespace

Command add_emodel(CLI::App& app) {
  auto* sub = app.add_subcommand(
      "emodel", "E-model (G.107 / G.107.1) rating of a mouth-to-ear delay, residual loss and Opus setting");
  auto a = std::make_shared<EmodelArgs>();
  sub->add_option("--delay-ms", a->delay_ms, "Mean mouth-to-ear delay Ta in ms")->required()->check(Number(0, 100000));
  sub->add_option("--loss-pct", a->loss_pct, "Residual loss Ppl in percent of the frames sent (rated up to 20)")
      ->required()
      ->check(Number(0, 100));
  sub->add_option("--burst-r", a->burst_r, "Burst ratio as measured (the rating clamps it to 1..8); default 1, random loss")
      ->check(Number(0, 1e9, true));
  sub->add_option("--bitrate", a->bitrate_bps, "Opus bitrate in bit/s")->required()->transform(Integer(6000, 510000));
  sub->add_option("--rate-control", a->rate_control, "vbr (default) or cbr")->check(CLI::IsMember({"vbr", "cbr"}));
  sub->add_option("--max-band", a->max_band, "The band the encoder may code: nb, wb or swb (default; also fullband)")
      ->check(CLI::IsMember({"nb", "wb", "swb"}));
  sub->add_flag("--json", a->json, "Print result.json's quality.emodel block (without its command)");
  return {sub, [a] { return run_emodel(*a); }};
}

}  // namespace callsim::cli
