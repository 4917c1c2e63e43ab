//! Version comparisons per second, per scheme. Filled in once the schemes exist.
use criterion::{Criterion, criterion_group, criterion_main};

fn compare(_c: &mut Criterion) {}

criterion_group!(benches, compare);
criterion_main!(benches);
