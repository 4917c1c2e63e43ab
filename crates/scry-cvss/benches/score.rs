//! Vectors parsed and scored per second, per version.
//!
//! Run: `CARGO_TARGET_DIR=/work/target-cvss cargo bench -p scry-cvss --bench score`

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const V2: &[&str] = &[
    "AV:N/AC:L/Au:N/C:P/I:P/A:P",
    "(AV:N/AC:M/Au:N/C:C/I:C/A:C)",
    "AV:L/AC:H/Au:S/C:N/I:P/A:N/E:POC/RL:OF/RC:C/CDP:L/TD:M/CR:H/IR:M/AR:L",
    "AV:A/AC:L/Au:M/C:P/I:N/A:C/E:F/RL:W/RC:UR",
];
const V3: &[&str] = &[
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N",
    "CVSS:3.1/AV:L/AC:H/PR:H/UI:N/S:U/C:H/I:N/A:N/E:P/RL:O/RC:C/CR:H/MAV:A/MS:C/MC:L",
    "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:C/C:L/I:L/A:L/E:U/MPR:L/MI:H",
];
const V4: &[&str] = &[
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
    "CVSS:4.0/AV:L/AC:H/AT:P/PR:L/UI:A/VC:L/VI:N/VA:N/SC:L/SI:L/SA:N/E:P",
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:L/VA:N/SC:N/SI:N/SA:N/E:U/CR:H/IR:L/AR:M/MAV:A/MSI:S",
    "CVSS:4.0/AV:P/AC:L/AT:N/PR:N/UI:P/VC:N/VI:H/VA:H/SC:H/SI:H/SA:H/S:P/AU:Y/U:Red",
];

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse+score");
    for (name, vectors) in [("v2", V2), ("v3", V3), ("v4", V4)] {
        group.throughput(Throughput::Elements(vectors.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                for v in vectors {
                    let parsed = scry_cvss::Vector::parse(black_box(v)).ok();
                    black_box(parsed.map(|p| p.scores()));
                }
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
