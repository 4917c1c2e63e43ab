#!/usr/bin/env python3
"""Validates `scry scan` reports with validators that are not scry's own.

- findings JSON (`--format json`, `schemaVersion: scry.findings/v1`): the Python `jsonschema`
  package's validator for the draft the schema declares (2020-12), against
  docs/schema/findings-v1.schema.json, after `check_schema` on the schema itself.
- SARIF 2.1.0 (`--format sarif`): the same validator against the SARIF 2.1.0 JSON schema that
  Microsoft's SARIF SDK ships in the npm package `@microsoft/sarif-multitool-linux`
  (`sarif-2.1.0.json`, MIT). Found at $SCRY_SARIF_SCHEMA, else under `npm root -g`, else
  under ./node_modules.
- CycloneDX (`--format cyclonedx`, a VDR): cyclonedx-python-lib's strict JSON validator for
  the document's specVersion, as scripts/validate-sbom.py does.

Format keywords (`date-time`, `uri`, `uuid`, ...) are checked too; `uri` needs the
`format-nongpl` extra of jsonschema, and a note says so when it is missing.

Usage: validate-findings.py FILE...   (prints `FILE: valid ...` per good file; exit 0 when
every file is valid, 1 when one is not, 2 when a validator or schema is missing, so callers
can tell "invalid" from "cannot check")
"""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FINDINGS_SCHEMA = ROOT / "docs" / "schema" / "findings-v1.schema.json"
SARIF_PACKAGE = "@microsoft/sarif-multitool-linux"
INSTALL = (
    "pip install 'jsonschema[format-nongpl]' cyclonedx-python-lib; "
    f"npm install -g --ignore-scripts {SARIF_PACKAGE}"
)


def missing(what):
    print(f"validator missing: {what} ({INSTALL})")
    sys.exit(2)


try:
    import jsonschema
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator
except ImportError as e:  # pragma: no cover
    missing(e)

CDX_VERSIONS = {"1.4": SchemaVersion.V1_4, "1.5": SchemaVersion.V1_5, "1.6": SchemaVersion.V1_6}


def sarif_schema_path():
    """The SARIF 2.1.0 schema file of the SARIF SDK's npm package, or None."""
    env = os.environ.get("SCRY_SARIF_SCHEMA")
    if env:
        return Path(env)
    roots = []
    try:
        out = subprocess.run(
            ["npm", "root", "-g"], capture_output=True, text=True, timeout=60, check=False
        )
        if out.returncode == 0 and out.stdout.strip():
            roots.append(Path(out.stdout.strip()))
    except (OSError, subprocess.TimeoutExpired):
        pass
    roots.append(Path.cwd() / "node_modules")
    for root in roots:
        for sub in (
            Path(SARIF_PACKAGE),
            Path("@microsoft/sarif-multitool/node_modules") / SARIF_PACKAGE,
        ):
            candidate = root / sub / "sarif-2.1.0.json"
            if candidate.is_file():
                return candidate
    return None


def validator(schema):
    """The validator class of the draft the schema declares, with format checks."""
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER), cls.__name__


def errors_of(v, doc):
    errs = sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))
    return [f"at /{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errs]


def main(paths):
    checkers = jsonschema.Draft202012Validator.FORMAT_CHECKER.checkers
    unchecked = [f for f in ("date-time", "uri", "uri-reference", "uuid") if f not in checkers]
    if unchecked:
        print(f"note: formats not checked here: {', '.join(unchecked)} ({INSTALL})")
    with open(FINDINGS_SCHEMA, encoding="utf-8") as f:
        findings = validator(json.load(f))
    sarif = None
    bad = 0
    for path in paths:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        doc = json.loads(text)
        if doc.get("schemaVersion") == "scry.findings/v1":
            v, draft = findings
            what = f"scry.findings/v1 ({draft}, {FINDINGS_SCHEMA.name})"
            errs = errors_of(v, doc)
        elif doc.get("version") == "2.1.0" and "runs" in doc:
            if sarif is None:
                p = sarif_schema_path()
                if p is None or not p.is_file():
                    missing(f"SARIF 2.1.0 schema (sarif-2.1.0.json of {SARIF_PACKAGE})")
                with open(p, encoding="utf-8") as f:
                    sarif = validator(json.load(f)) + (p,)
            v, draft, p = sarif
            what = f"SARIF 2.1.0 ({draft}, {p})"
            errs = errors_of(v, doc)
        elif doc.get("bomFormat") == "CycloneDX":
            version = doc.get("specVersion")
            if version not in CDX_VERSIONS:
                errs = [f"specVersion {version!r} is not one of {sorted(CDX_VERSIONS)}"]
            else:
                err = JsonStrictValidator(CDX_VERSIONS[version]).validate_str(text)
                errs = [] if err is None else [str(err)]
            what = f"CycloneDX {version} (cyclonedx-python-lib strict)"
        else:
            errs = ["neither scry findings JSON, SARIF 2.1.0 nor CycloneDX"]
            what = "?"
        if errs:
            bad += 1
            print(f"{path}: INVALID {what}: {len(errs)} error(s)")
            for e in errs[:20]:
                print(f"  {e}")
        else:
            print(f"{path}: valid {what}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
