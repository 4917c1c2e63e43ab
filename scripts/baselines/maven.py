#!/usr/bin/env python3
"""Baseline for scry's Maven order, answered by maven-artifact's `ComparableVersion`.

Maven accepts any string, so the pool is real version strings from several advisory
sources in shared/vulndb (bitnami, the Maven/npm/PyPI/NuGet/RubyGems parts of
ossf-malicious-packages, pypa-pypi), plus Maven-style variants of some of them
(`-SNAPSHOT`, `.Final`, `.RELEASE`, `-rc1`, `-sp1`, `.GA`, `-alpha-2`, `a1`, `-1`, ...).
Pairs of versions of the same package, neighbours in Maven order and random pairs are
compared by a small Java program (compiled into a temporary directory) that calls
`new ComparableVersion(a).compareTo(new ComparableVersion(b))`.

Usage: apt-get install maven default-jdk-headless && python3 scripts/baselines/maven.py
(maven-artifact-3.x.jar is taken from /usr/share/maven/lib, or $MAVEN_ARTIFACT_JAR).
Writes crates/scry-version/tests/data/maven.baseline.txt, and
crates/scry-version/tests/data/maven.fixture-conflicts.txt: the vectors of the shared
fixtures maven.txt / maven.generated.txt on which this maven-artifact disagrees with the
fixture, with the tool's answer (`A OP B` as the tool says it). The fixtures' generator
names maven-artifact 3.8.6 but its peer implements the version-order *specification*,
which differs from ComparableVersion on a few corners (`1-1` vs `1-ga-1`, `.RC1` vs
`-1`, unknown qualifiers after `.`).
"""

import functools
import json
import os
import pathlib
import random
import subprocess
import tempfile
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
VULNDB = ROOT.parent / "shared" / "vulndb"
OUT = ROOT / "crates" / "scry-version" / "tests" / "data" / "maven.baseline.txt"
JAR = os.environ.get("MAVEN_ARTIFACT_JAR", "/usr/share/maven/lib/maven-artifact-3.x.jar")

JAVA = r"""
import java.io.*;
import java.nio.charset.StandardCharsets;
import org.apache.maven.artifact.versioning.ComparableVersion;

public class Cmp {
    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(System.out, false, "UTF-8");
        String line;
        while ((line = in.readLine()) != null) {
            String[] p = line.split("\t", -1);
            int r = new ComparableVersion(p[0]).compareTo(new ComparableVersion(p[1]));
            out.println(r < 0 ? "<" : r > 0 ? ">" : "=");
        }
        out.flush();
    }
}
"""

SUFFIXES = [
    "-SNAPSHOT", ".Final", ".RELEASE", "-rc1", "-RC2", "-sp1", ".GA", "-alpha-2", "a1",
    "-1", ".0", "-0", "-beta", "b2", "-M3", "m1", "-cr1", "-jre", "-android", ".redhat-00001",
    "-ga", "-final", ".1-SNAPSHOT", "_1", "-xyz", ".v20200101", "-0.1", "..1", "--1",
]


# Hand-picked strings for the corners of the algorithm (Unicode digits and case, item
# kinds by length, `.X` as `-X`, separators without items), compared all against all.
EDGE = [
    "1.0000000000.1", "1.0.1", "1.\u0662", "1.2", "1-\u0130x", "1-ix", "1-\U0001d7d9",
    "1-\ue000", "1-\U0001f600", "1-\u03a3\u0391\u03a3", "1-\u03c3\u03b1\u03c2", "1.0.0.x1",
    "1.0.0-x2", "1a", "1-a", "1-a1", "1.a1", "1-0-a", "1-0.a", "1--", "1..", "-", ".", "a",
    "0", "000000000000000000001", "1.000000000000000000001", "1-\u01c5", "1-\u216b",
    "1-\u00b2", "1.\uff11\uff10", "1.10", "1-sp", "1-1", "1.1", "1-ga-1", "1-rc",
    "999999999", "1000000000", "999999999999999999", "1000000000000000000",
]


def osv_versions(name, keep):
    """{package: set(versions)} of the OSV file, for ecosystems accepted by keep."""
    data = subprocess.run(
        ["zstd", "-dc", str(VULNDB / name)], check=True, capture_output=True
    ).stdout
    out = {}
    for line in data.splitlines():
        for aff in json.loads(line).get("affected", []):
            pkg = aff.get("package", {})
            if not keep(pkg.get("ecosystem", "")):
                continue
            vs = out.setdefault(pkg.get("ecosystem", "") + ":" + pkg.get("name", ""), set())
            vs.update(aff.get("versions", []))
            for rng in aff.get("ranges", []):
                if rng.get("type") == "GIT":
                    continue
                for ev in rng.get("events", []):
                    vs.update(ev.values())
    return out


FIXTURES = ROOT.parent / "shared" / "fixtures" / "versions"


def compare_with_tool(pairs, jar):
    with tempfile.TemporaryDirectory() as tmp:
        (pathlib.Path(tmp) / "Cmp.java").write_text(JAVA)
        subprocess.run(["javac", "-cp", jar, "-d", tmp, str(pathlib.Path(tmp) / "Cmp.java")], check=True)
        res = subprocess.run(
            ["java", "-cp", f"{jar}:{tmp}", "Cmp"],
            input="".join(f"{a}\t{b}\n" for a, b in pairs),
            capture_output=True, text=True, check=True, encoding="utf-8",
        )
    answers = res.stdout.splitlines()
    assert len(answers) == len(pairs)
    return answers


def fixture_conflicts(version):
    vectors = []
    for name in ("maven.txt", "maven.generated.txt"):
        for line in (FIXTURES / name).read_text().splitlines():
            if not line.strip() or line.startswith(("# ", "//")) or line == "#":
                continue
            a, op, b = line.split(" ")
            vectors.append((name, a, op, b))
    answers = compare_with_tool([(a, b) for _, a, _, b in vectors], JAR)
    lines = [
        f"# maven-artifact {version} ComparableVersion disagrees with these fixture vectors;"
        " each line is `A OP B` as the tool answers, the comment above it the fixture's line",
    ]
    for (name, a, op, b), got in zip(vectors, answers):
        if got != op:
            lines.append(f"# {name}: {a} {op} {b}")
            lines.append(f"{a} {got} {b}")
    (OUT.parent / "maven.fixture-conflicts.txt").write_text("\n".join(lines) + "\n")
    print(f"fixture conflicts: {(len(lines) - 1) // 2}")


def main():
    rng = random.Random(0)
    pkgs = {}
    pkgs.update(osv_versions("bitnami.osv.jsonl.zst", lambda e: True))
    pkgs.update(
        osv_versions(
            "ossf-malicious-packages.osv.jsonl.zst",
            lambda e: e in ("Maven", "NuGet", "RubyGems", "PyPI", "npm"),
        )
    )
    pkgs.update(osv_versions("pypa-pypi.osv.jsonl.zst", lambda e: e == "PyPI"))
    ok = lambda s: s and not any(c.isspace() for c in s) and "\t" not in s
    for k in pkgs:
        pkgs[k] = sorted(v for v in pkgs[k] if ok(v))
    names = sorted(k for k in pkgs if len(pkgs[k]) >= 2)
    pairs = set()
    # Same-package pairs.
    for name in rng.sample(names, min(len(names), 900)):
        vs = pkgs[name]
        for _ in range(2):
            a, b = rng.sample(vs, 2)
            pairs.add((a, b))
    everything = sorted({v for vs in pkgs.values() for v in vs})
    # Maven-style variants of real versions, against their base and each other.
    for v in rng.sample(everything, 700):
        s1, s2 = rng.sample(SUFFIXES, 2)
        pairs.add((v + s1, v))
        pairs.add((v + s1, v + s2))
        pairs.add((v.upper() + s1.lower(), v + s2.upper()))
    for i, a in enumerate(EDGE):
        for b in EDGE[i + 1 :]:
            pairs.add((a, b))
    # Random strings over the tokenizer's alphabet, compared pairwise.
    alphabet = list("0123456789" * 2 + "..--") + [
        "a", "b", "m", "rc", "cr", "sp", "ga", "final", "release", "snapshot", "alpha",
        "beta", "milestone", "x", "RC", "Final", "00", "\u0661",
    ]
    fuzz = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 8))) for _ in range(3000)]
    for a, b in zip(fuzz[::2], fuzz[1::2]):
        pairs.add((a, b))
    while len(pairs) < 6500:
        a, b = rng.sample(everything, 2)
        pairs.add((a, b))
    pairs = sorted(p for p in pairs if p[0] != p[1])
    answers = compare_with_tool(pairs, JAR)
    with zipfile.ZipFile(JAR) as z:
        props = z.read("META-INF/maven/org.apache.maven/maven-artifact/pom.properties").decode()
    version = next(l.split("=", 1)[1] for l in props.splitlines() if l.startswith("version="))
    fixture_conflicts(version)
    lines = [f"# maven-artifact {version} ComparableVersion: A OP B"]
    lines += [f"{a} {op} {b}" for (a, b), op in zip(pairs, answers)]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(pairs)} pairs (maven-artifact {version})")


if __name__ == "__main__":
    main()
