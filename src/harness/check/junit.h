// JUnit XML for CI systems (Jenkins, GitLab, GitHub test reporters): one <testsuite> per matrix
// (the first part of a sweep id: "smoke/3g/nb12" → "smoke") or per scenario, one <testcase> per
// call. A failed call carries one <failure> whose message lists its failed expectations and
// regressions; a call that did not run carries an <error>; a baseline call absent from a subset
// run under --allow-missing is <skipped>. Expectations skipped because P.862 scoring was off are
// listed in <system-out> (they are not failures). Key metrics of every call are
// <property> entries of its suite and a readable block in <system-out>. Text is escaped and made
// valid XML 1.0 (control characters and invalid UTF-8 become U+FFFD). No wall times (time="0"),
// so the same check gives the same file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/check/check.h"

namespace callsim::harness {

struct JunitOptions {
  std::string name = "callsim check";  // the <testsuites> name
  // Values are plain numbers; an E-model R property's name carries its scale ("... emodel_r_wb [R/129]").
  std::vector<std::string> property_metrics = {"mos_lqo_nb",  "mos_lqo_wb",          "emodel_mos_cqe",    "emodel_r_nb",
                                               "emodel_r_wb", "emodel_r_swb",        "mouth_to_ear_p95_ms",
                                               "packet_loss_ratio", "effective_loss_ratio", "concealed_ratio"};
};

std::string junit_xml(const CheckReport& report, const JunitOptions& options = {});

// The JUnit XML of a check that ended without a verdict (unreadable results or baseline, an
// output that cannot be written, a bug): one test case "results" with an <error> carrying
// `message`, so a CI server that publishes the file whatever the exit code shows the check as
// broken rather than an earlier run's results.
std::string junit_error_xml(std::string_view message, const JunitOptions& options = {});

// Escaping for XML character data (keeps newlines) and for attribute values (encodes them).
std::string xml_text(std::string_view text);
std::string xml_attr(std::string_view text);

}  // namespace callsim::harness
