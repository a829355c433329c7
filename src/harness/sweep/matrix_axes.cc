// Matrix axes: parsing the "axes" object and applying one entry to a scenario document.
#include <algorithm>
#include <set>

#include "common/error.h"
#include "harness/sweep/matrix.h"
#include "json/json_node.h"

namespace callsim::harness {
namespace {

using nlohmann::json;

AxisKind kind_of(const std::string& name) {
  if (name == "network") return AxisKind::kNetwork;
  if (name == "codec") return AxisKind::kCodec;
  if (name == "jitter_buffer") return AxisKind::kJitterBuffer;
  if (name == "talker") return AxisKind::kTalker;
  if (name == "seed") return AxisKind::kSeed;
  return AxisKind::kPatch;
}

bool valid_axis_name(const std::string& name) {
  if (name.empty() || name.front() < 'a' || name.front() > 'z') return false;
  return name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos;
}

void check_entry_name(const JsonNode& where, const std::string& name) {
  if (!valid_id_part(name))
    where.fail("'" + excerpt(name) +
               "' cannot be part of a job id (use 1 to 100 letters, digits, '_', '.', '-')");
}

// {"name": value, ...}: values must be objects, except talkers (a string or an object).
std::vector<AxisEntry> named_entries(const JsonNode& axis, AxisKind kind) {
  std::vector<AxisEntry> out;
  for (const auto& [name, value] : axis.members()) {
    check_entry_name(value, name);
    const bool ok = value.is_object() || (kind == AxisKind::kTalker && value.is_string());
    if (!ok)
      value.fail(kind == AxisKind::kTalker ? "expected a talker name or {\"file\": ...}"
                                           : "expected an object");
    out.push_back({name, value.json(), value.pointer()});
  }
  return out;
}

// [a, b, ...]: network profile names, jitter buffer types, talker names, or seeds.
std::vector<AxisEntry> listed_entries(const JsonNode& axis, AxisKind kind) {
  std::vector<AxisEntry> out;
  std::set<std::string> seen;
  for (const JsonNode& item : axis.elements()) {
    AxisEntry e;
    e.pointer = item.pointer();
    e.listed = true;
    if (kind == AxisKind::kSeed) {
      const uint64_t seed = item.unsigned_integer();
      e.name = "s" + std::to_string(seed);
      e.value = seed;
    } else {
      e.name = item.string();
      check_entry_name(item, e.name);
      if (kind == AxisKind::kNetwork)
        e.value = {{"profile", e.name}};
      else if (kind == AxisKind::kJitterBuffer)
        e.value = {{"type", e.name}};
      else
        e.value = e.name;
    }
    if (!seen.insert(e.name).second) item.fail("duplicate entry '" + e.name + "'");
    out.push_back(std::move(e));
  }
  return out;
}

Axis parse_axis(const std::string& name, const JsonNode& node) {
  Axis axis;
  axis.name = name;
  axis.kind = kind_of(name);
  if (axis.kind == AxisKind::kPatch && !valid_axis_name(name))
    node.fail("axis name must be lower-case letters, digits and '_', starting with a letter");
  const bool list_ok = axis.kind != AxisKind::kCodec && axis.kind != AxisKind::kPatch;
  if (node.is_array() && list_ok) {
    axis.entries = listed_entries(node, axis.kind);
  } else if (node.is_object() && axis.kind != AxisKind::kSeed) {
    axis.entries = named_entries(node, axis.kind);
  } else {
    node.fail(axis.kind == AxisKind::kSeed ? "expected an array of seeds"
              : list_ok                    ? "expected an object of named entries or an array of names"
                                           : "expected an object of named entries");
  }
  if (axis.entries.empty()) node.fail("an axis needs at least one entry");
  return axis;
}

std::string sender(const std::string& d) { return d.substr(0, d.find("->")); }
std::string receiver(const std::string& d) { return d.substr(d.find("->") + 2); }

std::string peer_pointer(const std::string& peer, const char* key) {
  return "/peers/" + escape_pointer_token(peer) + "/" + key;
}

// The peer of a direction a codec, talker or jitter-buffer axis changes: the receiver for a
// jitter-buffer axis (its buffer), the sender otherwise (its codec, its talker).
std::string axis_peer(const Axis& axis, const std::string& direction) {
  return axis.kind == AxisKind::kJitterBuffer ? receiver(direction) : sender(direction);
}

std::set<std::string> axis_peers(const Axis& axis, const std::vector<std::string>& directions) {
  std::set<std::string> peers;
  for (const auto& d : directions) peers.insert(axis_peer(axis, d));
  return peers;
}

}  // namespace

std::vector<Axis> parse_axes(const json& matrix, const std::string& file) {
  const JsonNode axes = JsonNode(matrix, file).at("axes");
  if (!axes.is_object()) axes.fail("expected an object of axes");
  std::vector<Axis> out;
  for (const auto& [name, node] : axes.members()) out.push_back(parse_axis(name, node));
  if (out.empty()) axes.fail("a matrix needs at least one axis");
  std::stable_sort(out.begin(), out.end(), [](const Axis& a, const Axis& b) { return a.kind < b.kind; });
  return out;
}

std::vector<std::string> apply_entry(const Axis& axis, const AxisEntry& entry, json& doc,
                                     const std::vector<std::string>& directions) {
  std::vector<std::string> wrote;
  const std::set<std::string> peers = axis_peers(axis, directions);
  switch (axis.kind) {
    case AxisKind::kNetwork:
      for (const auto& d : directions) {
        doc["links"][d] = entry.value;
        wrote.push_back("/links/" + escape_pointer_token(d));
      }
      break;
    case AxisKind::kCodec:
      for (const auto& p : peers) {
        json& codec = doc["peers"][p]["codec"];
        if (!codec.is_object()) codec = json::object();
        codec.merge_patch(entry.value);
        wrote.push_back(peer_pointer(p, "codec"));
      }
      break;
    case AxisKind::kJitterBuffer:
    case AxisKind::kTalker: {
      const char* key = axis.kind == AxisKind::kTalker ? "talker" : "jitter_buffer";
      for (const auto& p : peers) {
        doc["peers"][p][key] = entry.value;
        wrote.push_back(peer_pointer(p, key));
      }
      break;
    }
    case AxisKind::kPatch:
      doc.merge_patch(entry.value);
      wrote.push_back("");
      break;
    case AxisKind::kSeed:
      doc["seed"] = entry.value;
      wrote.push_back("/seed");
      break;
  }
  return wrote;
}

std::vector<std::string> changed_directions(const Axis& axis, const json& doc,
                                            const std::vector<std::string>& directions) {
  const std::set<std::string> peers = axis_peers(axis, directions);
  std::vector<std::string> out;
  for (const auto& [link, value] : doc.at("links").items()) {
    bool changed = true;  // a patch or the seed: the whole call
    if (axis.kind == AxisKind::kNetwork)
      changed = std::find(directions.begin(), directions.end(), link) != directions.end();
    else if (axis.kind != AxisKind::kPatch && axis.kind != AxisKind::kSeed)
      changed = peers.count(axis_peer(axis, link)) > 0;
    if (changed) out.push_back(link);
  }
  return out;
}

}  // namespace callsim::harness
