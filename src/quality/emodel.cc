// E-model rating factor: ITU-T G.107 (06/2015) section 7 and ITU-T G.107.1 (06/2019) section 7.
// Equation numbers in comments are those of G.107 unless marked WB.
#include "quality/emodel.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace callsim::quality {
namespace {

double sq(double x) { return x * x; }
double from_db10(double db) { return std::pow(10.0, db / 10.0); }

// Noise floor at the receive side assumed by G.107.1 (its Table 1 default).
constexpr double kNforWidebandDbmp = -96.0;

// Total noise power No, dBm0p: circuit noise, send- and receive-side room noise, noise floor
// (eqs 7-3..7-7).
double total_noise(const EModelParams& p, double nfor_dbmp) {
  const double olr = p.slr_db + p.rlr_db;
  const double nos = p.ps_dba - p.slr_db - p.ds_db - 100.0 + 0.004 * sq(p.ps_dba - olr - p.ds_db - 14.0);
  const double pre = p.pr_dba + 10.0 * std::log10(1.0 + from_db10(10.0 - p.lstr_db));
  const double nor = p.rlr_db - 121.0 + pre + 0.008 * sq(pre - 35.0);
  const double nfo = nfor_dbmp + p.rlr_db;
  return 10.0 * std::log10(from_db10(p.nc_dbm0p) + from_db10(nos) + from_db10(nor) + from_db10(nfo));
}

// Impairment by too low an overall loudness (eqs 7-9, 7-10).
double iolr(const EModelParams& p, double no) {
  const double xolr = p.slr_db + p.rlr_db + 0.2 * (64.0 + no - p.rlr_db);
  return 20.0 * (std::pow(1.0 + std::pow(xolr / 8.0, 8.0), 1.0 / 8.0) - xolr / 8.0);
}

// Non-optimum sidetone (eqs 7-11, 7-12): the talker echo adds to the sidetone path.
double ist(const EModelParams& p) {
  const double stmro =
      -10.0 * std::log10(from_db10(-p.stmr_db) + std::exp(-p.t_ms / 4.0) * from_db10(-p.telr_db));
  return 12.0 * std::pow(1.0 + std::pow((stmro - 13.0) / 6.0, 8.0), 1.0 / 8.0) -
         28.0 * std::pow(1.0 + std::pow((stmro + 1.0) / 19.4, 35.0), 1.0 / 35.0) -
         13.0 * std::pow(1.0 + std::pow((stmro - 3.0) / 33.0, 13.0), 1.0 / 13.0) + 29.0;
}

// Quantizing distortion (eqs 7-13..7-17).
double iq(double ro, double qdu) {
  const double q = 37.0 - 15.0 * std::log10(qdu);
  const double g = 1.07 + 0.258 * q + 0.0602 * q * q;
  const double y = (ro - 100.0) / 15.0 + 46.0 / 8.4 - g / 9.0;
  const double z = 46.0 / 30.0 - g / 40.0;
  return 15.0 * std::log10(1.0 + std::pow(10.0, y) + std::pow(10.0, z));
}

// The common form of the talker-echo impairment (eq. 7-19 / WB eq. 7-5).
double talker_echo(double roe, double re, double t_ms) {
  const double d = roe - re;
  return (d / 2.0 + std::sqrt(sq(d) / 4.0 + 100.0) - 1.0) * (1.0 - std::exp(-t_ms));
}

// Narrowband talker echo (eqs 7-19..7-24). Below T = 1 ms the echo is heard as sidetone: 0.
double idte_nb(const EModelParams& p, double no, double ist_value) {
  if (p.t_ms < 1.0) return 0.0;
  const double roe = -1.5 * (no - p.rlr_db);
  double terv = p.telr_db - 40.0 * std::log10((1.0 + p.t_ms / 10.0) / (1.0 + p.t_ms / 150.0)) +
                6.0 * std::exp(-0.3 * sq(p.t_ms));
  if (p.stmr_db < 9.0) terv += ist_value / 2.0;  // TERVs (eq. 7-23)
  const double idte = talker_echo(roe, 80.0 + 2.5 * (terv - 14.0), p.t_ms);
  return p.stmr_db > 20.0 ? std::sqrt(sq(idte) + sq(ist_value)) : idte;  // Idtes (eq. 7-24)
}

// Wideband talker echo (WB eqs 7-5..7-10): TERV gains K, Re weighs it by 3.
double idte_wb(const EModelParams& p, double no_wb) {
  const double roe = -1.5 * (no_wb - p.rlr_db);
  const double k = p.t_ms < 100.0 ? 0.08 * p.t_ms + 10.0 : 18.0;
  const double terv = p.telr_db + k - 40.0 * std::log10((1.0 + p.t_ms / 10.0) / (1.0 + p.t_ms / 150.0)) +
                      6.0 * std::exp(-0.3 * sq(p.t_ms));
  return talker_echo(roe, 80.0 + 3.0 * (terv - 14.0), p.t_ms);
}

// Listener echo (eqs 7-25, 7-26; WB eqs 7-11, 7-12 with Ro,WB).
double idle(double ro, const EModelParams& p) {
  const double rle = 10.5 * (p.wepl_db + 7.0) * std::pow(p.tr_ms + 1.0, -0.25);
  const double d = ro - rle;
  return d / 2.0 + std::sqrt(sq(d) / 4.0 + 169.0);
}

double finish(EModelResult& out, double ie, double bpl, const EModelParams& p) {
  out.id = out.idte + out.idle + out.idd;
  out.ie_eff = effective_ie(ie, bpl, p.ppl_pct, p.burst_r);
  out.a = p.a;
  out.r = out.ro - out.is - out.id - out.ie_eff + out.a;
  return out.r;
}

}  // namespace

double effective_ie(double ie, double bpl, double ppl_pct, double burst_r) {
  if (!(ppl_pct > 0.0)) return ie;
  return ie + (95.0 - ie) * ppl_pct / (ppl_pct / applied_burst_ratio(burst_r) + bpl);
}

std::string unrated_loss_reason(double ppl_pct) {
  if (!(ppl_pct > kMaxRatedPplPct)) return "";
  char text[160];
  std::snprintf(text, sizeof text, "%.2f %% is beyond G.107's permitted range of Ppl (0 to %d %%)", ppl_pct,
                static_cast<int>(kMaxRatedPplPct));
  return text;
}

double applied_burst_ratio(double burst_r) { return std::clamp(std::isnan(burst_r) ? 1.0 : burst_r, 1.0, 8.0); }

double delay_impairment_idd(double ta_ms, double mt_ms, double st) {
  if (!(ta_ms > mt_ms)) return 0.0;
  const double x = std::log10(ta_ms / mt_ms) / std::log10(2.0);
  const double e = 6.0 * st;
  return 25.0 * (std::pow(1.0 + std::pow(x, e), 1.0 / e) -
                 3.0 * std::pow(1.0 + std::pow(x / 3.0, e), 1.0 / e) + 2.0);
}

double mos_from_r(double r) {
  if (std::isnan(r)) return r;
  if (r <= 0.0) return 1.0;
  if (r >= 100.0) return 4.5;
  return std::clamp(1.0 + 0.035 * r + r * (r - 60.0) * (100.0 - r) * 7.0e-6, 1.0, 4.5);
}

double mos_from_r_wb(double r_wb) { return mos_from_r(r_wb / 1.29); }

EModelResult evaluate_g107(const EModelParams& p) {
  EModelResult out;
  const double no = total_noise(p, p.nfor_dbmp);
  out.ro = 15.0 - 1.5 * (p.slr_db + no);  // eq. 7-2
  out.iolr = iolr(p, no);
  out.ist = ist(p);
  out.iq = iq(out.ro, p.qdu);
  out.is = out.iolr + out.ist + out.iq;
  out.idte = idte_nb(p, no, out.ist);
  out.idle = idle(out.ro, p);
  out.idd = delay_impairment_idd(p.ta_ms, p.mt_ms, p.st);
  finish(out, p.ie, p.bpl, p);
  out.mos = mos_from_r(out.r);
  return out;
}

EModelResult evaluate_wideband_structure(const EModelParams& p, double ro) {
  EModelResult out;
  out.ro = ro;
  out.is = 0.0;  // WB eq. 7-3
  out.idte = idte_wb(p, total_noise(p, kNforWidebandDbmp));
  out.idle = idle(ro, p);
  out.idd = ro / 100.0 * delay_impairment_idd(p.ta_ms, p.mt_ms, p.st);  // WB eq. 7-13: x 1.29
  finish(out, p.ie, p.bpl, p);
  out.mos = mos_from_r(out.r * 100.0 / ro);  // WB Annex A: R / 1.29
  return out;
}

EModelResult evaluate_g107_1(const EModelParams& p) { return evaluate_wideband_structure(p, 129.0); }

}  // namespace callsim::quality
