// Fuzz target: the CI gate's inputs, a results.jsonl and a baseline (what `callsim check`,
// `callsim baseline` and `callsim merge` read). The text up to the first NUL byte is a
// results.jsonl (results::parse_results_text, as read_results_file reads a file); the text after
// it, when there is one, a baseline file (parse_json_text + harness::parse_baseline, as
// load_baseline reads one). Call ids seen twice are refused as load_calls refuses them. Then:
//   - every record the reader accepts is written back (record_line) and read again: the same
//     line, byte for byte (a merge or a re-written results file keeps what it read);
//   - a baseline the reader accepts is written (baseline_to_json) and read again: the same
//     document; `baseline update` from the records gives a baseline that reads back too;
//   - run_check with and without the baseline: the calls it reports are the results' calls (plus
//     the baseline's missing ones), the status counts add up, passed() is "no call failed and
//     some call was checked" (results with no calls fail the check unless allowed);
//   - the check table and the JUnit XML build; the XML holds one <testcase> per call (plus the
//     failing one of an empty result set) and no byte
//     XML 1.0 forbids (control characters) and is valid UTF-8.
// Only InputError is an expected exception; any other, a crash or a sanitizer report is a finding.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "fuzz_input.h"
#include "harness/check/baseline.h"
#include "harness/check/check.h"
#include "harness/check/junit.h"
#include "json/json_node.h"
#include "results/call_record.h"

namespace {

namespace harness = callsim::harness;
namespace results = callsim::results;

[[noreturn]] void finding(const std::string& what) { callsim::fuzz::finding("fuzz_gate", what); }

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
    i += n;
  }
  return true;
}

void check_xml(const std::string& xml, size_t calls) {
  for (char ch : xml) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') finding("JUnit XML holds control byte " + std::to_string(c));
  }
  if (!valid_utf8(xml)) finding("JUnit XML is not valid UTF-8");
  if (count_of(xml, "<testcase ") != calls)
    finding("JUnit XML holds " + std::to_string(count_of(xml, "<testcase ")) + " test cases for " + std::to_string(calls) + " calls");
}

void check_report(const harness::CheckReport& r, size_t results_calls, const harness::Baseline* baseline) {
  size_t missing = 0;
  bool any_failed = false;
  for (const auto& c : r.calls) {
    missing += c.status == harness::CallStatus::kMissing;
    any_failed = any_failed || c.failed();
  }
  if (r.calls.size() != results_calls + missing) finding("the check reports calls that are not in the results");
  if (!baseline && missing) finding("missing calls without a baseline");
  int by_status = 0;
  for (auto s : {harness::CallStatus::kPass, harness::CallStatus::kNew, harness::CallStatus::kFail,
                 harness::CallStatus::kMissing, harness::CallStatus::kError})
    by_status += r.count(s);
  if (by_status != static_cast<int>(r.calls.size())) finding("status counts do not add up to the calls");
  if (r.no_calls_refused() != (results_calls == 0)) finding("no_calls_refused() disagrees with the results");
  if (r.no_baseline_call_refused() !=
      (baseline && results_calls > 0 && missing > 0 && std::all_of(r.calls.begin(), r.calls.end(), [](const auto& c) {
         return c.status == harness::CallStatus::kMissing || c.is_new;
       })))
    finding("no_baseline_call_refused() disagrees with the calls");
  if (r.passed() != (!any_failed && !r.refusal())) finding("passed() disagrees with the calls' failures");
  (void)harness::format_check_table(r, true);
  (void)harness::format_check_table(r, false);
  check_xml(harness::junit_xml(r), r.calls.size() + (r.refusal() ? 1 : 0));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  const size_t nul = all.find('\0');
  const std::string_view results_text = all.substr(0, nul);
  try {
    const results::ResultsFile file = results::parse_results_text(results_text, "/nonexistent-callsim-fuzz/results.jsonl");
    std::set<std::string> ids;
    for (const auto& r : file.records)
      if (!ids.insert(r.id).second) return 0;  // load_calls refuses a call id seen twice

    for (const auto& r : file.records) {
      const std::string line = results::record_line(r);
      const results::ResultsFile again = results::parse_results_text(line, "/nonexistent-callsim-fuzz/results.jsonl");
      if (again.records.size() != 1) finding("a written record reads back as " + std::to_string(again.records.size()));
      if (results::record_line(again.records[0]) != line)
        finding("a written record does not read back the same:\n" + line + results::record_line(again.records[0]));
    }

    std::optional<harness::Baseline> baseline;
    if (nul != std::string_view::npos) {
      const nlohmann::json doc = callsim::parse_json_text(all.substr(nul + 1), "baseline.json");
      baseline = harness::parse_baseline(doc, "baseline.json");
      const nlohmann::json written = harness::baseline_to_json(*baseline);
      const nlohmann::json again = harness::baseline_to_json(harness::parse_baseline(written, "written.json"));
      if (again != written) finding("a written baseline does not read back the same:\n" + written.dump() + "\n" + again.dump());
    }
    harness::BaselineUpdate update;
    const harness::Baseline fresh =
        harness::update_baseline(baseline ? &*baseline : nullptr, file.records, false, &update);
    const nlohmann::json fresh_json = harness::baseline_to_json(fresh);
    if (harness::baseline_to_json(harness::parse_baseline(fresh_json, "updated.json")) != fresh_json)
      finding("an updated baseline does not read back the same: " + fresh_json.dump());

    harness::CheckOptions options;
    check_report(harness::run_check(file.records, nullptr, options), file.records.size(), nullptr);
    if (baseline) {
      check_report(harness::run_check(file.records, &*baseline, options), file.records.size(), &*baseline);
      options.allow_missing = true;
      options.tolerance_scale = 2.0;
      check_report(harness::run_check(file.records, &*baseline, options), file.records.size(), &*baseline);
    }
  } catch (const callsim::InputError&) {
  }
  return 0;
}
