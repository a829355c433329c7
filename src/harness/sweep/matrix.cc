#include "harness/sweep/matrix.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "common/error.h"
#include "json/json_node.h"
#include "json/schema.h"

namespace callsim::harness {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Who to blame when a scenario built from the matrix is invalid: the matrix location that put
// `value` at `targets` in the document.
struct Blame {
  std::string location;              // JSON pointer in the matrix file
  std::vector<std::string> targets;  // where the value went in the scenario document
  const json* value = nullptr;
  std::string context;  // prefixed to the message
};

bool value_has(const json& value, const std::string& pointer) {
  try {
    return pointer.empty() || value.contains(json::json_pointer(pointer));
  } catch (const json::exception&) {
    return false;
  }
}

[[noreturn]] void rethrow_blamed(const InputError& e, const std::string& file, const Blame& b) {
  if (e.file() != file) throw InputError(file, b.location, b.context + e.what());
  for (const auto& t : b.targets) {
    const std::string& at = e.location() == "/" ? std::string() : e.location();
    if (at.compare(0, t.size(), t) != 0 || (at.size() > t.size() && at[t.size()] != '/')) continue;
    const std::string rest = at.substr(t.size());
    if (b.value && value_has(*b.value, rest))
      throw InputError(file, b.location + rest, b.context + e.message());
  }
  throw InputError(file, b.location,
                   b.context + e.message() + " (at " + e.location() + " of the resulting scenario)");
}

Job checked_job(std::string id, const json& doc, const std::string& file, const std::string& base_dir,
                const Blame& blame) {
  try {
    return make_job(std::move(id), file, doc, base_dir);
  } catch (const InputError& e) {
    rethrow_blamed(e, file, blame);
  }
}

struct Base {
  json doc;
  std::string dir;  // resolves the base scenario's relative paths
};

Base load_base(const JsonNode& root, const std::string& file) {
  const JsonNode node = root.at("base");
  const fs::path matrix_dir = fs::path(file).parent_path();
  Base base;
  if (node.is_string()) {
    const std::string path = (matrix_dir / node.string()).lexically_normal().generic_string();
    if (!fs::is_regular_file(path)) node.fail("base scenario '" + path + "' not found");
    base.doc = read_json_file(path);
    base.dir = fs::path(path).parent_path().string();
    make_job("base", path, base.doc, base.dir);  // errors name the base file
  } else if (node.is_object()) {
    base.doc = node.json();
    base.dir = matrix_dir.string();
    checked_job("base", base.doc, file, base.dir, Blame{"/base", {""}, &node.json(), ""});
  } else {
    node.fail("expected a scenario file path or an inline scenario object");
  }
  if (auto patch = root.find("patch")) {
    if (!patch->is_object()) patch->fail("expected an object (a JSON merge patch onto the base)");
    base.doc.merge_patch(patch->json());
    checked_job("base", base.doc, file, base.dir, Blame{"/patch", {""}, &patch->json(), ""});
  }
  return base;
}

std::vector<std::string> select_directions(const std::optional<JsonNode>& apply_to, const json& base) {
  std::vector<std::string> all;
  for (const auto& [key, value] : base.at("links").items()) all.push_back(key);
  if (!apply_to || (apply_to->is_string() && apply_to->string() == "all")) return all;
  if (!apply_to->is_array()) apply_to->fail("expected \"all\" or an array of directions (\"alice->bob\")");
  std::vector<std::string> out;
  for (const JsonNode& d : apply_to->elements()) {
    const std::string name = d.string();
    if (!base.at("links").contains(name)) d.fail("the base scenario has no link '" + name + "'");
    out.push_back(name);
  }
  if (out.empty()) apply_to->fail("name at least one direction");
  return out;
}

// One exclusion rule: axis → entry names; a combination matching every axis is skipped.
using Exclusion = std::map<size_t, std::set<std::string>>;

std::vector<Exclusion> parse_exclusions(const std::optional<JsonNode>& node, const std::vector<Axis>& axes) {
  std::vector<Exclusion> out;
  if (!node) return out;
  for (const JsonNode& rule : node->elements()) {
    Exclusion ex;
    for (const auto& [axis_name, names] : rule.members()) {
      size_t a = 0;
      while (a < axes.size() && axes[a].name != axis_name) ++a;
      if (a == axes.size()) names.fail("no axis '" + axis_name + "' in this matrix");
      const std::vector<JsonNode> items = names.is_array() ? names.elements() : std::vector<JsonNode>{names};
      for (const JsonNode& item : items) {
        const std::string name =
            item.is_number() ? "s" + std::to_string(item.unsigned_integer()) : item.string();
        bool known = false;
        for (const auto& e : axes[a].entries) known = known || e.name == name;
        if (!known) item.fail("axis '" + axis_name + "' has no entry '" + name + "'");
        ex[a].insert(name);
      }
    }
    if (ex.empty()) rule.fail("an exclusion needs at least one axis");
    out.push_back(std::move(ex));
  }
  return out;
}

bool excluded(const std::vector<Exclusion>& rules, const std::vector<Axis>& axes,
              const std::vector<size_t>& pick) {
  for (const auto& rule : rules) {
    bool all = true;
    for (const auto& [a, names] : rule) all = all && names.count(axes[a].entries[pick[a]].name) > 0;
    if (all) return true;
  }
  return false;
}

// Checks every entry on its own, so an invalid entry is blamed precisely.
void check_entries(const Base& base, const std::vector<Axis>& axes,
                   const std::vector<std::string>& directions, const std::string& file) {
  for (const auto& axis : axes)
    for (const auto& entry : axis.entries) {
      json doc = base.doc;
      const auto targets = apply_entry(axis, entry, doc, directions);
      checked_job("check", doc, file, base.dir,
                  Blame{entry.pointer, targets, entry.listed ? nullptr : &entry.value, ""});
    }
}

Job combination(const std::string& matrix, const Base& base, const std::vector<Axis>& axes,
                const std::vector<size_t>& pick, const std::vector<std::string>& directions,
                const std::string& file) {
  json doc = base.doc;
  std::string id = matrix;
  json params = json::object();
  for (size_t a = 0; a < axes.size(); ++a) {
    const AxisEntry& e = axes[a].entries[pick[a]];
    apply_entry(axes[a], e, doc, directions);
    id += "/" + e.name;
    params[axes[a].name] = axes[a].kind == AxisKind::kSeed ? e.value : json(e.name);
  }
  Job job = checked_job(id, doc, file, base.dir, Blame{"/axes", {}, nullptr, "combination '" + id + "': "});
  job.params = std::move(params);
  for (const Axis& axis : axes)
    if (auto changed = changed_directions(axis, doc, directions); changed.size() < doc.at("links").size())
      job.param_directions[axis.name] = std::move(changed);
  return job;
}

// Counts the calls before any is built: the product of the axis sizes, then (when that is over
// the limit but small enough to enumerate) the combinations left after the exclusions.
void check_call_count(const std::vector<Axis>& axes, const std::vector<Exclusion>& exclusions,
                      size_t max_calls, const JsonNode& root) {
  constexpr uint64_t kEnumerable = 100000000;
  uint64_t product = 1;
  for (const auto& axis : axes) product = product > kEnumerable ? product : product * axis.entries.size();
  if (product <= max_calls) return;
  const std::string limit = "; the limit is " + std::to_string(max_calls) + " (raise it with --max-calls)";
  if (product > kEnumerable || exclusions.empty())
    root.at("axes").fail("the matrix expands to " + (product > kEnumerable ? "more than " : std::string()) +
                         std::to_string(std::min(product, kEnumerable)) + " calls" + limit);
  uint64_t count = 0;
  std::vector<size_t> pick(axes.size(), 0);
  for (;;) {
    if (!excluded(exclusions, axes, pick) && ++count > max_calls) break;
    size_t a = axes.size();
    while (a > 0 && ++pick[a - 1] == axes[a - 1].entries.size()) pick[--a] = 0;
    if (a == 0) return;
  }
  root.at("axes").fail("the matrix expands to more than " + std::to_string(max_calls) + " calls" + limit);
}

}  // namespace

std::vector<Job> expand_matrix(const json& matrix, const std::string& file, size_t max_calls) {
  const JsonNode root(matrix, file);
  root.expect_keys({"$schema", "matrix", "description", "base", "patch", "apply_to", "axes", "exclude"});
  const std::string name = root.at("matrix").string();
  if (!valid_id_part(name))
    root.at("matrix").fail("'" + excerpt(name) +
                           "' cannot be a job id (use 1 to 100 letters, digits, '_', '.', '-')");
  root.string_or("description", "");
  const std::vector<Axis> axes = parse_axes(matrix, file);
  const std::vector<Exclusion> exclusions = parse_exclusions(root.find("exclude"), axes);
  check_call_count(axes, exclusions, max_calls, root);
  const Base base = load_base(root, file);
  const std::vector<std::string> directions = select_directions(root.find("apply_to"), base.doc);
  check_entries(base, axes, directions, file);
  // The C++ rules passed; the published schema must agree.
  if (auto v = check_schema(matrix, "matrix.schema.json"))
    throw InputError(file, v->pointer.empty() ? "/" : v->pointer, "schema: " + v->message);

  std::vector<Job> jobs;
  std::vector<size_t> pick(axes.size(), 0);
  for (;;) {
    if (!excluded(exclusions, axes, pick))
      jobs.push_back(combination(name, base, axes, pick, directions, file));
    size_t a = axes.size();
    while (a > 0 && ++pick[a - 1] == axes[a - 1].entries.size()) pick[--a] = 0;
    if (a == 0) break;
  }
  if (jobs.empty()) root.at("exclude").fail("every combination is excluded");
  return jobs;
}

}  // namespace callsim::harness
