#include "harness/check/junit.h"

#include <map>
#include <sstream>

#include "common/text_parse.h"

namespace callsim::harness {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the well-formed UTF-8 sequence at s[i] that is an XML 1.0 Char, or 0: not U+FFFE or
// U+FFFF (EF BF BE / EF BF BF), which UTF-8 allows and XML does not.
size_t valid_sequence(std::string_view s, size_t i) {
  const size_t len = utf8_sequence_length(s, i);
  if (len == 3 && s.substr(i, 2) == "\xEF\xBF" && (s[i + 2] == '\xBE' || s[i + 2] == '\xBF')) return 0;
  return len;
}

std::string escape(std::string_view s, bool attribute) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const size_t len = valid_sequence(s, i);
      out += len ? s.substr(i, len) : kReplacement;
      i += len ? len : 1;
      continue;
    }
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += attribute ? "&quot;" : "\"";
        break;
      case '\'':
        out += attribute ? "&apos;" : "'";
        break;
      case '\n':
        out += attribute ? "&#10;" : "\n";
        break;
      case '\r':
        out += "&#13;";
        break;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        break;
      default:
        out += c < 0x20 ? kReplacement : std::string_view(s.data() + i, 1);
    }
    ++i;
  }
  return out;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

// Every problem of the call, one after the other ("expectation failed: …; regression: …").
std::string failure_message(const CallCheck& c) {
  std::string m;
  for (const auto& p : c.problems()) m += (m.empty() ? "" : "; ") + p;
  return m;
}

// The improvements of each call, indexed once (a per-call scan of every change was quadratic).
using Improvements = std::map<std::string, std::vector<const MetricChange*>, std::less<>>;

Improvements improvements(const CheckReport& report) {
  Improvements out;
  for (const auto& ch : report.changes)
    if (ch.verdict == Verdict::kImproved) out[ch.id].push_back(&ch);
  return out;
}

// A readable block for <system-out>: parameters, metrics, and what moved against the baseline.
std::string system_out(const CallCheck& c, const Improvements& improved, const JunitOptions& o) {
  std::ostringstream os;
  const CallRecord& r = *c.record;
  os << "scenario " << r.scenario << "  seed " << r.seed;
  if (!r.params.empty()) os << "  params " << r.params.dump();
  if (!r.param_directions.empty()) os << "  param_directions " << nlohmann::json(r.param_directions).dump();
  os << "\n";
  for (const auto& [direction, metrics] : r.metrics) {
    os << direction << ":";
    for (const auto& m : o.property_metrics)
      if (auto it = metrics.find(m); it != metrics.end())
        os << "  " << m << "=" << results::format_metric_with_unit(m, it->second);
    os << "\n";
  }
  for (const auto& e : c.skipped_expectations) os << "skipped expectation: " << e << "\n";
  if (c.is_new) os << "new: not in the baseline\n";
  if (auto it = improved.find(c.id); it != improved.end())
    for (const MetricChange* ch : it->second)
      os << "improved: " << ch->direction << " " << ch->metric << " "
         << format_metric(ch->metric, ch->baseline) << " -> " << format_metric(ch->metric, *ch->now) << "\n";
  return os.str();
}

void write_testcase(std::ostringstream& os, const CallCheck& c, const Improvements& improved,
                    const JunitOptions& o) {
  os << "    <testcase name=\"" << xml_attr(c.id) << "\" classname=\"callsim." << xml_attr(c.scenario)
     << "\" time=\"0\">\n";
  if (c.status == CallStatus::kMissing && c.missing_allowed) {
    os << "      <skipped message=\"" << xml_attr("not in this run (--allow-missing)") << "\"/>\n";
  } else if (c.status == CallStatus::kError) {
    os << "      <error message=\"" << xml_attr("did not run: " + c.error) << "\" type=\"callsim.error\">"
       << xml_text(join_lines(c.problems())) << "</error>\n";
  } else if (c.failed()) {
    os << "      <failure message=\"" << xml_attr(failure_message(c)) << "\" type=\"callsim.check\">"
       << xml_text(join_lines(c.problems())) << "</failure>\n";
  }
  if (c.record) os << "      <system-out>" << xml_text(system_out(c, improved, o)) << "</system-out>\n";
  os << "    </testcase>\n";
}

// A property's value is the number as results.jsonl holds it (counts as integers), not as the
// console rounds it: a CI dashboard that plots it should plot what was measured.
std::string property_value(const std::string& metric, double value) {
  return results::metric_value_json(metric, value).dump();
}

void write_properties(std::ostringstream& os, const std::vector<const CallCheck*>& cases,
                      const JunitOptions& o) {
  std::ostringstream props;
  for (const CallCheck* c : cases) {
    if (!c->record) continue;
    for (const auto& [direction, metrics] : c->record->metrics)
      for (const auto& m : o.property_metrics)
        if (auto it = metrics.find(m); it != metrics.end())
          props << "      <property name=\"" << xml_attr(c->id + " " + direction + " " + results::name_with_scale(m)) << "\" value=\""
                << property_value(m, it->second) << "\"/>\n";
  }
  if (!props.str().empty()) os << "    <properties>\n" << props.str() << "    </properties>\n";
}

struct Counts {
  size_t tests = 0, failures = 0, errors = 0, skipped = 0;
  void add(const CallCheck& c) {
    ++tests;
    if (c.status == CallStatus::kMissing && c.missing_allowed)
      ++skipped;
    else if (c.status == CallStatus::kError)
      ++errors;
    else if (c.failed())
      ++failures;
  }
  std::string attributes() const {
    return "tests=\"" + std::to_string(tests) + "\" failures=\"" + std::to_string(failures) + "\" errors=\"" +
           std::to_string(errors) + "\" skipped=\"" + std::to_string(skipped) + "\" time=\"0\"";
  }
};

// The XML declaration and the opening <testsuites> with the whole file's counts.
void write_head(std::ostream& os, const JunitOptions& options, const Counts& total) {
  os << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
     << "<testsuites name=\"" << xml_attr(options.name) << "\" " << total.attributes() << ">\n";
}

// The suite "callsim" with its one test case "results", for a check that judged no call: a
// <failure> when there was nothing to check, an <error> (with `body` as its text) when the check
// reached no verdict.
void write_results_case(std::ostream& os, const Counts& counts, const char* element, const char* type,
                        std::string_view message, std::string_view body = {}) {
  os << "  <testsuite name=\"callsim\" " << counts.attributes() << ">\n"
     << "    <testcase name=\"results\" classname=\"callsim.check\" time=\"0\">\n"
     << "      <" << element << " message=\"" << xml_attr(message) << "\" type=\"" << type << "\"";
  if (body.empty())
    os << "/>\n";
  else
    os << ">" << xml_text(body) << "</" << element << ">\n";
  os << "    </testcase>\n  </testsuite>\n";
}

// A sweep's calls ("smoke/3g/nb12") form one suite per matrix; a single scenario is its own suite.
std::string suite_name(const CallCheck& c) {
  const auto slash = c.id.find('/');
  return slash == std::string::npos || slash == 0 ? c.scenario : c.id.substr(0, slash);
}

}  // namespace

std::string xml_text(std::string_view text) { return escape(text, false); }
std::string xml_attr(std::string_view text) { return escape(text, true); }

std::string junit_xml(const CheckReport& report, const JunitOptions& options) {
  std::vector<std::string> order;  // suites in order of first appearance
  std::map<std::string, std::vector<const CallCheck*>> suites;
  Counts total;
  if (report.refusal()) total.tests = total.failures = 1;
  for (const auto& c : report.calls) {
    const std::string suite = suite_name(c);
    if (!suites.count(suite)) order.push_back(suite);
    suites[suite].push_back(&c);
    total.add(c);
  }
  const Improvements improved = improvements(report);
  std::ostringstream os;
  write_head(os, options, total);
  if (const char* why = report.refusal()) {  // nothing was checked or compared: one failing test case says so
    Counts one;
    one.tests = one.failures = 1;
    write_results_case(os, one, "failure", "callsim.check", why);
  }
  for (const auto& name : order) {
    Counts counts;
    for (const CallCheck* c : suites[name]) counts.add(*c);
    os << "  <testsuite name=\"" << xml_attr(name) << "\" " << counts.attributes() << ">\n";
    write_properties(os, suites[name], options);
    for (const CallCheck* c : suites[name]) write_testcase(os, *c, improved, options);
    os << "  </testsuite>\n";
  }
  os << "</testsuites>\n";
  return os.str();
}

std::string junit_error_xml(std::string_view message, const JunitOptions& options) {
  Counts one;
  one.tests = one.errors = 1;
  std::ostringstream os;
  write_head(os, options, one);
  write_results_case(os, one, "error", "callsim.error", "no verdict: " + std::string(message),
                     std::string(message) + "\n");
  os << "</testsuites>\n";
  return os.str();
}

}  // namespace callsim::harness
