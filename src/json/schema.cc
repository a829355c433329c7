#include "json/schema.h"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "common/embedded.h"
#include "json/json_node.h"

namespace callsim {
namespace {

nlohmann::json load_schema_document(const std::string& name) {
  const std::string path = "scenarios/schema/" + name;
  auto text = find_embedded(path);
  if (!text) throw std::logic_error("schema not embedded: " + path);
  return nlohmann::json::parse(*text);
}

std::shared_ptr<const valijson::Schema> compiled_schema(const std::string& name) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const valijson::Schema>> cache;
  std::lock_guard lock(mutex);
  if (auto it = cache.find(name); it != cache.end()) return it->second;
  const nlohmann::json doc = load_schema_document(name);
  auto schema = std::make_shared<valijson::Schema>();
  valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
  valijson::adapters::NlohmannJsonAdapter adapter(doc);
  auto fetch = [](const std::string& uri) -> const nlohmann::json* {
    return new nlohmann::json(load_schema_document(uri.substr(uri.find_last_of('/') + 1)));
  };
  auto free_doc = [](const nlohmann::json* d) { delete d; };
  parser.populateSchema(adapter, *schema, fetch, free_doc);
  cache[name] = schema;
  return schema;
}

// valijson context entries look like "<root>", "[links]", "[\"alice->bob\"]", "[0]".
std::string to_pointer(const std::vector<std::string>& context) {
  std::string out;
  for (const auto& c : context) {
    if (c == "<root>" || c.size() < 2 || c.front() != '[') continue;
    std::string token = c.substr(1, c.size() - 2);
    if (token.size() >= 2 && token.front() == '"' && token.back() == '"') token = token.substr(1, token.size() - 2);
    out += "/" + escape_pointer_token(token);
  }
  return out;
}

// valijson's nlohmann adapter reads every integer as int64_t, so an unsigned one above 2^63 - 1
// (a seed may be up to 2^64 - 1, as `run --seed` takes) wraps negative and fails "minimum": 0
// with a false message; and "uniqueItems" compares numbers as doubles, so distinct integers above
// 2^53 (seeds 2^63 and 2^63 + 1) were "not unique". valijson therefore sees every integer above
// 2^53 as one of 2^62, 2^62 - 1024, 2^62 - 2048, ... by rank: still integers, still above every
// bound the schemas state (all below 2^14 here), and distinct exactly when they were.
constexpr uint64_t kExactDoubleMax = uint64_t{1} << 53;

bool is_huge_integer(const nlohmann::json& j) {
  return j.is_number_unsigned() ? j.get<uint64_t>() > kExactDoubleMax
                                : j.is_number_integer() && j.get<int64_t>() > static_cast<int64_t>(kExactDoubleMax);
}

void collect_huge(const nlohmann::json& j, std::set<uint64_t>& huge) {
  if (is_huge_integer(j)) {
    huge.insert(j.get<uint64_t>());
  } else if (j.is_structured()) {
    for (const auto& item : j) collect_huge(item, huge);
  }
}

void replace_huge(nlohmann::json& j, const std::map<uint64_t, int64_t>& as) {
  if (is_huge_integer(j)) {
    j = as.at(j.get<uint64_t>());
  } else if (j.is_structured()) {
    for (auto& item : j) replace_huge(item, as);
  }
}

// The document as valijson should see it, or nullopt when it holds no integer above 2^53.
std::optional<nlohmann::json> without_huge_integers(const nlohmann::json& document) {
  std::set<uint64_t> huge;
  collect_huge(document, huge);
  if (huge.empty()) return std::nullopt;
  std::map<uint64_t, int64_t> as;
  int64_t next = int64_t{1} << 62;  // a document of 16 MiB holds far fewer than 2^52 numbers
  for (auto it = huge.rbegin(); it != huge.rend(); ++it, next -= 1024) as[*it] = next;
  nlohmann::json out = document;
  replace_huge(out, as);
  return out;
}

}  // namespace

std::optional<SchemaViolation> check_schema(const nlohmann::json& document, const std::string& schema_name) {
  auto schema = compiled_schema(schema_name);
  valijson::Validator validator(valijson::Validator::kStrongTypes);
  valijson::ValidationResults results;
  const std::optional<nlohmann::json> checked = without_huge_integers(document);
  valijson::adapters::NlohmannJsonAdapter adapter(checked ? *checked : document);
  if (validator.validate(*schema, adapter, &results)) return std::nullopt;
  // Report the deepest error: the most specific place.
  std::optional<SchemaViolation> best;
  size_t best_depth = 0;
  for (const auto& e : results) {
    if (!best || e.context.size() > best_depth) {
      best = SchemaViolation{to_pointer(e.context), e.description};
      best_depth = e.context.size();
    }
  }
  return best;
}

}  // namespace callsim
