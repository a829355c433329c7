#!/usr/bin/env python3
"""Prints the defaults of a callsim JSON Schema as a Markdown table (key path, default, meaning).

Used to keep scenarios/README.md in step with scenarios/schema/*.json; the test
tests/scenario/library_readme_test.cc checks that every (path, default) pair is in the README.
Paths: object keys joined by '.', '*' for any peer or direction name, '[]' for array items;
'override' and a phase's 'set' repeat the link's sections and are skipped.

  tools/schema_defaults.py scenarios/schema/scenario.schema.json
"""
import json
import sys


def collect(root, node, path, out):
    if "$ref" in node:
        ref = node["$ref"]
        if ref.startswith("#/"):
            target = root
            for part in ref[2:].split("/"):
                target = target[part]
            collect(root, target, path, out)
        return
    for alt in node.get("oneOf", []):
        collect(root, alt, path, out)
    for key, sub in node.get("properties", {}).items():
        if key in ("override", "set", "$schema"):
            continue
        p = key if not path else path + "." + key
        if "default" in sub and not isinstance(sub["default"], dict):
            meaning = " ".join(sub.get("description", "").split()).replace("|", "\\|")
            out.append((p, json.dumps(sub["default"], separators=(",", ":")), meaning))
        collect(root, sub, p, out)
    if isinstance(node.get("items"), dict):
        collect(root, node["items"], path + "[]", out)
    if isinstance(node.get("additionalProperties"), dict):
        collect(root, node["additionalProperties"], path + ".*", out)


def main():
    schema = json.load(open(sys.argv[1]))
    rows = []
    collect(schema, schema, "", rows)
    seen = set()
    print("| Key | Default | Meaning |")
    print("|---|---|---|")
    for path, value, meaning in rows:
        if (path, value) in seen:
            continue
        seen.add((path, value))
        print(f"| `{path}` | `{value}` | {meaning} |")


if __name__ == "__main__":
    main()
