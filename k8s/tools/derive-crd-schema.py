#!/usr/bin/env python3
"""Derives the compact structural schema the tests check CloudNativePG and Keycloak resources against.

Usage: derive-crd-schema.py CRD.yaml VERSION > src/test/resources/crd-schemas/<group>_<kind>_<version>.json

Keeps, from the CRD's openAPIV3Schema for VERSION, only what decides whether a field is known and of the right
shape: type, properties, items, additionalProperties, enum, required and the x-kubernetes-* markers. Descriptions,
defaults, patterns and validations are dropped. Re-run it when moving to a newer operator; record the source in
src/test/resources/crd-schemas/SOURCES.md.
"""
import json
import sys

import yaml

KEEP = {"type", "properties", "items", "additionalProperties", "enum", "required", "anyOf",
        "x-kubernetes-preserve-unknown-fields", "x-kubernetes-int-or-string"}


def prune(node):
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k not in KEEP:
                continue
            if k == "properties":
                out[k] = {name: prune(sub) for name, sub in v.items()}
            elif isinstance(v, (dict, list)):
                out[k] = prune(v)
            else:
                out[k] = v
        return out
    if isinstance(node, list):
        return [prune(x) for x in node]
    return node


def main():
    path, version = sys.argv[1], sys.argv[2]
    with open(path) as f:
        crd = next(d for d in yaml.safe_load_all(f) if d and d.get("kind") == "CustomResourceDefinition")
    ver = next(v for v in crd["spec"]["versions"] if v["name"] == version)
    schema = prune(ver["schema"]["openAPIV3Schema"])
    doc = {"group": crd["spec"]["group"], "kind": crd["spec"]["names"]["kind"], "version": version,
           "schema": schema}
    json.dump(doc, sys.stdout, separators=(",", ":"), sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
