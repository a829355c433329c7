// `callsim validate FILE… [--max-calls N]`: checks what `callsim run` and `callsim sweep` would read,
// without running it. A scenario file is checked against the JSON Schema and the semantic rules
// (with the files it names: talkers, traces, profiles); a matrix file, a folder or a glob is expanded
// exactly as `callsim sweep` expands it, every call's scenario checked the same way, and its calls'
// notes printed (each distinct note once, with how many calls it concerns). Given several
// arguments, they are also expanded together as `callsim sweep` with the same arguments would
// (job ids produced twice, a call whose folder is another's). Prints "FILE: ok (...)" or the first
// error (file + JSON pointer or byte offset); exit 2 if any is bad.
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "common/error.h"
#include "harness/sweep/suite.h"
#include "json/json_node.h"
#include "json/schema.h"
#include "scenario/link_json.h"
#include "scenario/scenario.h"

namespace callsim::cli {
namespace {

// A folder, a glob that names no file, or a JSON document with a "matrix" key: what `callsim
// sweep` expands into calls.
bool is_sweep_input(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return true;
  if (path.find_first_of("*?[") != std::string::npos && !std::filesystem::exists(path, ec)) return true;
  const nlohmann::json doc = read_json_file(path);
  return doc.is_object() && doc.contains("matrix");
}

// The notes of a suite's calls: each distinct one once, naming the call (or how many and the first).
void print_job_notes(const std::vector<harness::Job>& jobs) {
  for (const auto& note : harness::job_notes(jobs)) std::cerr << "note: " << note << '\n';
}

// A link profile file is no call: run and sweep refuse it, and so does validate (exit 2), with
// their message and the profile's own verdict, checked as a scenario referring to it reads it (the
// C++ rules, the files it names, the link schema; its phases are checked against each call's
// length when a call uses it). Returns false for any other file.
bool refuse_profile(const std::string& f) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(f, ec)) return false;
  const nlohmann::json doc = read_json_file(f);
  if (!scenario::is_link_document(doc)) return false;
  std::string verdict;
  try {
    scenario::LinkParseContext ctx;
    ctx.base_dir = std::filesystem::path(f).parent_path().string();
    const sim::net::LinkConfig link = scenario::parse_link(JsonNode(doc, f), ctx);
    if (auto v = check_schema(doc, "link.schema.json"))
      throw InputError(f, v->pointer.empty() ? "/" : v->pointer, "schema: " + v->message);
    std::string sections;
    for (const auto& [key, value] : doc.items())
      if (key != "description" && key != "source") sections += (sections.empty() ? "" : ", ") + key;
    verdict = "as a link profile it is valid (" + sections;
    if (!link.phases.empty())
      verdict += "; " + std::to_string(link.phases.size()) + " phase" + (link.phases.size() == 1 ? "" : "s");
    verdict += ")";
  } catch (const InputError& e) {
    verdict = "as a link profile it is not valid: " + std::string(e.what());
  }
  try {
    scenario::parse_scenario(doc, f, std::filesystem::path(f).parent_path().string());
  } catch (const InputError& e) {
    throw InputError(e.file(), e.location(), e.message() + "; " + verdict);
  }
  return false;  // not reached: parse_scenario refuses a link document
}

void validate_one(const std::string& f, size_t max_calls) {
  refuse_profile(f);
  if (is_sweep_input(f)) {
    const std::vector<harness::Job> jobs = harness::expand_suites({f}, max_calls);
    print_job_notes(jobs);
    std::cout << f << ": ok (" << jobs.size() << " call" << (jobs.size() == 1 ? "" : "s")
              << ", each scenario valid, as `callsim sweep` expands it)\n";
    return;
  }
  const scenario::Scenario s = scenario::load_scenario(f);
  for (const auto& note : scenario::input_notes(s)) std::cerr << "note: " << note << '\n';
  // The fingerprint a run records (result.json scenario.fingerprint) and `check` compares with the
  // baseline's: "scenario changed since the baseline" can be looked into without running the call.
  std::cout << f << ": ok (" << s.name << ", " << s.directions.size() << " direction"
            << (s.directions.size() == 1 ? "" : "s") << ", " << s.duration.to_seconds() << " s; fingerprint "
            << s.fingerprint << ")\n";
}

}  // namespace

Command add_validate(CLI::App& app) {
  auto* sub = app.add_subcommand(
      "validate", "Check scenario files, matrix files and suite folders as run and sweep would read them");
  auto files = std::make_shared<std::vector<std::string>>();
  auto max_calls = std::make_shared<size_t>(harness::kDefaultMaxCalls);
  sub->add_option("files", *files, "Scenario files, matrix files or folders of scenarios")->required();
  sub->add_option("--max-calls", *max_calls,
                  "Refuse suites that expand to more calls than this, as `callsim sweep --max-calls`")
      ->capture_default_str();
  return {sub, [files, max_calls] {
    int rc = 0;
    for (const auto& f : *files) {
      try {
        validate_one(f, *max_calls);
      } catch (const InputError& e) {
        std::cerr << e.what() << '\n';
        rc = 2;
      }
    }
    // Each is valid alone; together they are what `callsim sweep` with these arguments reads.
    if (rc == 0 && files->size() > 1) {
      try {
        const auto jobs = harness::expand_suites(*files, *max_calls);
        std::cout << "together: ok (" << jobs.size() << " call" << (jobs.size() == 1 ? "" : "s")
                  << " as one `callsim sweep`)\n";
      } catch (const InputError& e) {
        std::cerr << e.what() << " (these arguments together, as one `callsim sweep` reads them)\n";
        rc = 2;
      }
    }
    return rc;
  }};
}

}  // namespace callsim::cli
