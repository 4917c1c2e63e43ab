<?php
// Baseline for scry's Composer order, answered by Composer itself: composer/semver's
// VersionParser::normalize, then PHP's version_compare on the normalised strings (what
// Composer's Constraint::versionCompare does, with branches compared as Comparator does).
//
// Extracts the version strings of the FriendsOfPHP advisories in shared/vulndb
// (friendsofphp-packagist.zip: the `versions: ['>=1.0', '<1.2.3']` bounds), adds
// variants (v prefix, -beta2 / RC1 / -p1 / -pl2 / -patch3 / @dev / .x-dev / +build /
// " as 2.0" / 4 and 5 parts / dates / branches), and writes to
// crates/scry-version/tests/data/:
//   composer.baseline.txt         A OP B pairs (branch-branch pairs only when equal),
//                                 `! V` for strings normalize() throws on;
//   composer.normalize.txt        input<TAB>normalize(input), for the parser;
//   composer.fixture-conflicts.txt the vectors of the shared fixtures packagist.txt /
//                                 packagist.generated.txt where Composer disagrees with
//                                 the fixture (which the peer ordered with raw
//                                 version_compare, `v` stripped): `! V` for a fixture
//                                 string normalize() rejects, `A OP B` for Composer's
//                                 answer, each after a `# file: fixture line` comment.
//
// Usage: apt-get install php-cli php-composer-semver && php scripts/baselines/composer.php

require '/usr/share/php/Composer/Semver/autoload.php';

use Composer\Semver\VersionParser;

$root = dirname(__DIR__, 2);
$data = "$root/crates/scry-version/tests/data";
$vulndb = "$root/../shared/vulndb";
$fixtures = "$root/../shared/fixtures/versions";
$parser = new VersionParser();

function norm(VersionParser $p, string $s): ?string {
    try {
        return $p->normalize($s);
    } catch (\Throwable $e) {
        return null;
    }
}

function op(string $na, string $nb): string {
    $aBranch = str_starts_with($na, 'dev-');
    $bBranch = str_starts_with($nb, 'dev-');
    if ($aBranch && $bBranch) {
        return $na === $nb ? '=' : '?';
    }
    $r = version_compare($na, $nb);
    return $r < 0 ? '<' : ($r > 0 ? '>' : '=');
}

// Real strings from the advisories.
$zip = "$vulndb/friendsofphp-packagist.zip";
$names = explode("\n", trim(shell_exec('unzip -Z1 ' . escapeshellarg($zip))));
$real = [];
$byPackage = [];
foreach ($names as $name) {
    if (!str_ends_with($name, '.yaml')) {
        continue;
    }
    $text = shell_exec('unzip -p ' . escapeshellarg($zip) . ' ' . escapeshellarg($name));
    preg_match_all("/versions:\s*\[(.*)\]/", $text, $m);
    $pkg = dirname($name);
    foreach ($m[1] as $list) {
        preg_match_all("/'([^']*)'|\"([^\"]*)\"/", $list, $vs);
        foreach ($vs[1] as $i => $v) {
            $v = $v !== '' ? $v : $vs[2][$i];
            $v = trim(preg_replace('/^\s*(>=|<=|!=|==|>|<|=|\^|~)\s*/', '', $v));
            if ($v !== '' && !preg_match('/\s/', $v)) {
                $real[$v] = true;
                $byPackage[$pkg][$v] = true;
            }
        }
    }
}
$real = array_keys($real);
sort($real);
mt_srand(1);

$variants = [];
foreach ($real as $v) {
    if (mt_rand(0, 2) !== 0) {
        continue;
    }
    $base = ltrim($v, 'vV');
    $suffixes = ['-beta2', 'RC1', '-rc.2', '-p1', '-pl2', '.patch3', '-alpha', 'a3', 'b', '-dev',
        '-beta1-dev', '@dev', '.x-dev', '+build.5', '.1', '.1.1', '-stable', '-STABLE', '.0',
        '-foo', '.post1', '_beta', '.-dev', '-alpha.1.2', '-beta-3'];
    foreach (array_rand(array_flip($suffixes), 4) as $s) {
        $variants[] = $base . $s;
    }
    $variants[] = 'v' . $base;
    $variants[] = 'V' . $base;
}
$variants = array_merge($variants, [
    'dev-master', 'dev-main', 'master', 'trunk', 'default', 'dev-feature/foo', 'DEV-foo',
    '1.x-dev', '2.*-dev', '1.0.x-dev', '1.0.*-dev', '1.0.0.x-dev', 'v2.x-dev',
    '20190126', '2019.01.26', '2019-01-26', '2019-01-26-1', '20190126230843', '2019.01.26.5-beta',
    '123456', '12345', '1.2.3.4', '1.2.3.4.5', '1.0 as 2.0', '1.0.0-beta2@dev', '1.0-beta2 as 1.1',
    '1.0.0+20130313144700', '1.0.0-rc1+build', 'v1.0.0-p1', '1.0.0-pl.2', '1.0-patch-3',
    '99999.1', '100000.1', '1.0b', '1.0.0-beta.1.2', '1.0.0-beta1-2', '01.02.03',
]);
// Random strings over the grammar's alphabet, to exercise the parser's corners.
$alphabet = str_split('0123456789012345678901234567890123456789....---__+@ vVxX*abdeilmnoprstvcRCP:#');
$words = ['dev', 'alpha', 'beta', 'RC', 'rc', 'patch', 'pl', 'p', 'stable', 'dev-', ' as ', '@dev', '.x', '2019'];
$fuzz = [];
for ($k = 0; $k < 4000; $k++) {
    $s = '';
    $len = mt_rand(1, 14);
    while (strlen($s) < $len) {
        $s .= mt_rand(0, 3) === 0 ? $words[mt_rand(0, count($words) - 1)] : $alphabet[mt_rand(0, count($alphabet) - 1)];
    }
    $fuzz[] = $s;
}
$variants = array_merge($variants, $fuzz);
$pool = array_values(array_unique(array_merge($real, $variants)));
sort($pool);

$valid = [];
$invalid = [];
$normLines = ["# composer/semver VersionParser::normalize: input<TAB>normalized"];
foreach ($pool as $s) {
    $n = norm($parser, $s);
    if ($n === null) {
        $invalid[] = $s;
    } else {
        $valid[$s] = $n;
        if (!str_contains($s, "\t") && !str_contains($s, "\n")) {
            $normLines[] = "$s\t$n";
        }
    }
}
file_put_contents("$data/composer.normalize.txt", implode("\n", $normLines) . "\n");

// Pairs: same package, neighbours in Composer order, random.
$pairs = [];
$validKeys = array_values(array_filter(array_keys($valid), fn($s) => !str_contains($s, ' ')));
foreach ($byPackage as $vs) {
    $vs = array_values(array_filter(array_keys($vs), fn($s) => isset($valid[$s])));
    if (count($vs) >= 2) {
        for ($k = 0; $k < 3; $k++) {
            $a = $vs[mt_rand(0, count($vs) - 1)];
            $b = $vs[mt_rand(0, count($vs) - 1)];
            if ($a !== $b) {
                $pairs["$a $b"] = [$a, $b];
            }
        }
    }
}
$sorted = $validKeys;
usort($sorted, fn($x, $y) => version_compare($valid[$x], $valid[$y]));
for ($i = 0; $i + 1 < count($sorted); $i++) {
    if (mt_rand(0, 1) === 0) {
        $pairs["{$sorted[$i]} {$sorted[$i + 1]}"] = [$sorted[$i], $sorted[$i + 1]];
    }
}
while (count($pairs) < 4500) {
    $a = $validKeys[mt_rand(0, count($validKeys) - 1)];
    $b = $validKeys[mt_rand(0, count($validKeys) - 1)];
    if ($a !== $b) {
        $pairs["$a $b"] = [$a, $b];
    }
}
ksort($pairs);
$lines = ["# composer/semver normalize + PHP " . PHP_VERSION . " version_compare: A OP B; `! V`: normalize throws"];
foreach ($pairs as [$a, $b]) {
    $o = op($valid[$a], $valid[$b]);
    if ($o !== '?') {
        $lines[] = "$a $o $b";
    }
}
foreach ($invalid as $s) {
    if ($s !== '' && !str_contains($s, "\n")) {
        $lines[] = "! $s";
    }
}
file_put_contents("$data/composer.baseline.txt", implode("\n", $lines) . "\n");
echo "composer.baseline.txt: " . (count($lines) - 1) . " lines, " . count($invalid) . " rejected\n";

// Fixture vectors where Composer disagrees with the fixture.
$out = ["# composer/semver normalize + PHP " . PHP_VERSION . " version_compare disagrees with these fixture vectors"];
$conflicts = 0;
foreach (['packagist.txt', 'packagist.generated.txt'] as $f) {
    foreach (file("$fixtures/$f", FILE_IGNORE_NEW_LINES) as $line) {
        if (trim($line) === '' || str_starts_with($line, '# ') || str_starts_with($line, '//') || $line === '#') {
            continue;
        }
        [$a, $fop, $b] = explode(' ', $line);
        $na = norm($parser, $a);
        $nb = norm($parser, $b);
        if ($na === null || $nb === null) {
            $out[] = "# $f: $line";
            foreach ([[$a, $na], [$b, $nb]] as [$s, $n]) {
                if ($n === null) {
                    $out[] = "! $s";
                }
            }
            $conflicts++;
            continue;
        }
        $o = op($na, $nb);
        if ($o !== $fop) {
            $out[] = "# $f: $line (normalized: $na vs $nb)";
            $out[] = "$a $o $b";
            $conflicts++;
        }
    }
}
file_put_contents("$data/composer.fixture-conflicts.txt", implode("\n", $out) . "\n");
echo "fixture conflicts: $conflicts\n";
