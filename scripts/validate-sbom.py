#!/usr/bin/env python3
"""Validates SBOM files with the official validators.

CycloneDX JSON: cyclonedx-python-lib's strict JSON schema validator (the CycloneDX
project's own schema files for the document's specVersion).
SPDX JSON: spdx-tools' full document validation (SPDX 2.2/2.3).

Usage: validate-sbom.py FILE...   (exit 0 when every file is valid; 2 when a validator is
missing, so callers can tell "invalid" from "cannot check")
"""
import json
import sys

try:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator
    from spdx_tools.spdx.parser.parse_anything import parse_file
    from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document
except ImportError as e:  # pragma: no cover
    print(f"validator missing: {e} (pip install cyclonedx-python-lib jsonschema spdx-tools)")
    sys.exit(2)

VERSIONS = {"1.4": SchemaVersion.V1_4, "1.5": SchemaVersion.V1_5, "1.6": SchemaVersion.V1_6}

bad = 0
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    doc = json.loads(text)
    if doc.get("bomFormat") == "CycloneDX":
        err = JsonStrictValidator(VERSIONS[doc["specVersion"]]).validate_str(text)
        if err is not None:
            bad += 1
            print(f"{path}: CycloneDX {doc['specVersion']}: {err}")
        else:
            print(f"{path}: valid CycloneDX {doc['specVersion']}")
    elif str(doc.get("spdxVersion", "")).startswith("SPDX-"):
        msgs = validate_full_spdx_document(parse_file(path))
        if msgs:
            bad += 1
            for m in msgs[:20]:
                print(f"{path}: {m.validation_message}")
        else:
            print(f"{path}: valid {doc['spdxVersion']}")
    else:
        bad += 1
        print(f"{path}: neither CycloneDX nor SPDX")
sys.exit(1 if bad else 0)
