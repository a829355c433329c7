#include "json/schema.h"

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
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

// valijson's nlohmann adapter reads every integer as int64_t, so an unsigned one above INT64_MAX
// (a seed may be up to 2^64 - 1, as `run --seed` takes) wraps negative and fails "minimum": 0
// with a false message. Such a value is checked as INT64_MAX instead: still an integer, and on the
// same side of every bound the schemas state (none lies between INT64_MAX and 2^64 - 1).
bool has_huge_unsigned(const nlohmann::json& j) {
  constexpr auto kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (j.is_number_unsigned()) return j.get<uint64_t>() > kMax;
  if (j.is_structured())
    for (const auto& item : j)
      if (has_huge_unsigned(item)) return true;
  return false;
}

void clamp_huge_unsigned(nlohmann::json& j) {
  constexpr auto kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (j.is_number_unsigned() && j.get<uint64_t>() > kMax) j = kMax;
  if (j.is_structured())
    for (auto& item : j) clamp_huge_unsigned(item);
}

}  // namespace

std::optional<SchemaViolation> check_schema(const nlohmann::json& document, const std::string& schema_name) {
  auto schema = compiled_schema(schema_name);
  valijson::Validator validator(valijson::Validator::kStrongTypes);
  valijson::ValidationResults results;
  std::optional<nlohmann::json> clamped;
  if (has_huge_unsigned(document)) clamp_huge_unsigned(clamped.emplace(document));
  valijson::adapters::NlohmannJsonAdapter adapter(clamped ? *clamped : document);
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
