// The E-model: a parametric (no audio) estimate of conversational quality from a call's delay,
// loss and codec, per ITU-T G.107 (06/2015, narrowband) and G.107.1 (06/2019, wideband).
//
//   R = Ro - Is - Id - Ie,eff + A            (rating factor, 0..100 narrowband, 0..129 wideband)
//   Ie,eff = Ie + (95 - Ie) * Ppl / (Ppl / BurstR + Bpl)
//   MOS-CQE from R: G.107 Annex B; wideband: the same polynomial of R / 1.29 (G.107.1 Annex A).
//
// Units: delays in ms, levels/ratings in dB as G.107 Table 3, Ppl in percent. All defaults are
// G.107 Table 3's, which give R = 93.2. Pure functions: no state, no clock.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace callsim::quality {

// G.107 Table 3 parameters (defaults as given there) plus the delay-sensitivity class (Table 1).
struct EModelParams {
  double slr_db = 8.0;       // send loudness rating
  double rlr_db = 2.0;       // receive loudness rating
  double stmr_db = 15.0;     // sidetone masking rating
  double lstr_db = 18.0;     // listener sidetone rating
  double ds_db = 3.0;        // D-value of the telephone, send side
  double dr_db = 3.0;        // D-value of the telephone, receive side (enters only via LSTR)
  double telr_db = 65.0;     // talker echo loudness rating
  double wepl_db = 110.0;    // weighted echo path loss
  double t_ms = 0.0;         // mean one-way delay of the echo path
  double tr_ms = 0.0;        // round-trip delay in a 4-wire loop
  double ta_ms = 0.0;        // absolute (mouth-to-ear) delay
  double qdu = 1.0;          // quantizing distortion units
  double ie = 0.0;           // equipment impairment factor of the codec
  double bpl = 1.0;          // packet-loss robustness factor of the codec
  double ppl_pct = 0.0;      // random packet-loss probability, percent
  double burst_r = 1.0;      // burst ratio (1 = random loss); clamped to G.107's range 1..8
  double nc_dbm0p = -70.0;   // circuit noise referred to the 0 dBr point
  double nfor_dbmp = -64.0;  // noise floor at the receive side
  double ps_dba = 35.0;      // room noise at the send side
  double pr_dba = 35.0;      // room noise at the receive side
  double a = 0.0;            // advantage factor
  double mt_ms = 100.0;      // minimum perceivable delay (delay-sensitivity class "default")
  double st = 1.0;           // delay sensitivity
};

// Every term of the rating, for auditing.
struct EModelResult {
  double ro = 0, is = 0, iolr = 0, ist = 0, iq = 0;
  double id = 0, idte = 0, idle = 0, idd = 0;
  double ie_eff = 0, a = 0;
  double r = 0;    // the rating factor on the model's own scale
  double mos = 0;  // MOS-CQE, 1..4.5
};

// Narrowband E-model, ITU-T G.107 (06/2015) section 7.
EModelResult evaluate_g107(const EModelParams& p);

// Wideband E-model, ITU-T G.107.1 (06/2019): Ro,WB = 129, Is,WB = 0, the wideband talker echo
// (TERV with the K correction, Re,WB weighting 3), listener echo on the 129 scale and
// Idd,WB = 1.29 Idd. `p.ie` / `p.bpl` are the wideband values Ie,WB / Bpl. G.107.1 leaves No,WB
// "for further study"; Roe,WB uses the G.107 noise sum with Nfor = -96 dBmp (G.107.1's default).
// Ie,eff,WB keeps G.107's constant 95 and also applies BurstR (G.107.1 states it for random loss).
EModelResult evaluate_g107_1(const EModelParams& p);

// The G.107.1 structure on a scale whose unimpaired rating is `ro` (129 gives evaluate_g107_1);
// the delay impairment Idd and the MOS conversion scale by ro / 100.
EModelResult evaluate_wideband_structure(const EModelParams& p, double ro);

// Annex B of G.107: MOS-CQE = 1 + 0.035 R + R (R - 60)(100 - R) 7e-6 for 0 < R < 100; 1 below,
// 4.5 above. The polynomial dips below 1 for R < 6.5; the result is clamped to [1, 4.5], the
// range G.107 gives MOS-CQE.
double mos_from_r(double r);
// G.107.1 Annex A: the same polynomial of R / 1.29.
double mos_from_r_wb(double r_wb);

// Effective equipment impairment (G.107 eq. 7-29); `burst_r` as applied_burst_ratio() makes it.
double effective_ie(double ie, double bpl, double ppl_pct, double burst_r);
// BurstR as the rating applies it: clamped to G.107's range 1..8 (a measured ratio below 1, loss
// more scattered than random, counts as random); NaN (nothing to measure) as 1.
double applied_burst_ratio(double burst_r);

// Pure-delay impairment Idd (G.107 eqs 7-27/7-28), 0 up to mT.
double delay_impairment_idd(double ta_ms, double mt_ms = 100.0, double st = 1.0);

// ---- Loss burstiness ---------------------------------------------------------------------------

// Burst ratio (G.107 section 7.5 / G.113 Appendix I, after McGowan 2005): the mean length of the
// observed runs of lost packets divided by the mean run length random (Bernoulli) loss of the same
// rate Ppl would give, 1 / (1 - Ppl); i.e. BurstR = mean_run_length * (1 - Ppl). `lost[i]` != 0
// marks frame i as lost (after the jitter buffer and FEC: the residual loss). Returns 1 when nothing
// is lost, and the run length itself (the sequence length) when everything is.
double burst_ratio(std::span<const uint8_t> lost);

// BurstR of a two-state Markov (Gilbert) loss model: 1 / (p + q), with p = P(loss | previous
// packet received) and q = P(received | previous packet lost) (G.107 section 7.5).
double burst_ratio_markov(double p, double q);

// ---- Opus and a call's measurements ------------------------------------------------------------

enum class EModelScale { kNarrowband, kWideband, kSuperwideband };
enum class OpusRateMode { kVbr, kCbr };
enum class OpusMaxBand { kNarrowband, kWideband, kSuperwideband };

// Ie and Bpl of Opus at one operating point, on the scale of the band it codes.
struct OpusImpairment {
  double ie = 0.0;
  double bpl_random = 1.0;
  double bpl_bursty = 1.0;
  EModelScale scale = EModelScale::kNarrowband;
};

// Ie/Bpl of Opus for a bitrate, interpolated linearly between the measured bitrates of
// Alahmadi, Pocta & Melvin 2021 (see emodel_opus.cc) and clamped at the ends of each band's range.
// The coded band follows libopus's automatic choice for the bitrate, capped by `max_band`.
OpusImpairment opus_impairment(int bitrate_bps, OpusRateMode mode, OpusMaxBand max_band);

// What a finished call measured, one direction.
struct CallMeasurements {
  double mouth_to_ear_delay_ms = 0.0;  // mean Ta: capture to playout, including codec + buffer
  double packet_loss_pct = 0.0;        // residual loss: frames neither received in time nor rebuilt by FEC, % of sent
  double burst_ratio = 1.0;            // from burst_ratio() over the same frames
  int bitrate_bps = 32000;
  OpusRateMode mode = OpusRateMode::kVbr;
  OpusMaxBand max_band = OpusMaxBand::kSuperwideband;
};

struct CallRating {
  EModelScale scale = EModelScale::kNarrowband;
  std::string model;  // "G.107", "G.107.1", or "G.107.1-structure on the 148 scale (provisional)"
  OpusImpairment codec;
  EModelResult result;     // result.r clamped to [0, Ro] of the scale; result.mos from that R
  double r_unclamped = 0;  // Ro - Is - Id - Ie,eff + A before clamping (may be negative)
  CallMeasurements inputs;
};

// The top of a scale: 100 (G.107), 129 (G.107.1), 148 (super-wideband).
double scale_max(EModelScale scale);

// G.107 Table 3's permitted range of the packet-loss probability Ppl is 0..20 %. Beyond it the
// Ie,eff formula is an extrapolation that swings with BurstR: random loss leaves the wideband and
// super-wideband scales above MOS-CQE 1.4 and 1.85 at total loss, while a BurstR of 3 takes Ie,eff
// past 150. A call is therefore not rated above this residual loss (rate_direction's note says so).
inline constexpr double kMaxRatedPplPct = 20.0;
// Why a residual loss of `ppl_pct` is not rated ("23.40 % is beyond G.107's permitted range of Ppl
// (0 to 20 %)"), or "" when it is within the range.
std::string unrated_loss_reason(double ppl_pct);

// Rates a call with G.107 defaults for everything not measured. Delay mapping (echo cancelled,
// symmetric path): Ta = measured mouth-to-ear delay, T = Ta, Tr = 2 Ta, TELR 65 dB, WEPL 110 dB.
// Narrowband Opus uses G.107, wideband G.107.1; super-wideband Opus (whose Ie the source gives on
// the 148-point super-wideband scale) uses the G.107.1 formulas with Ro = 148, Idd x 1.48 and
// MOS from R / 1.48 -- an analogy, as the G.107.2 text was not available to us.
CallRating rate_call(const CallMeasurements& m);

}  // namespace callsim::quality
