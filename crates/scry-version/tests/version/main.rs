//! Version ordering against the ecosystems' own answers (`shared/fixtures/versions`) and
//! the laws of a total order (proptest).

mod baseline;
mod laws;
mod vectors;

mod apk;
mod composer;
mod cran;
mod dpkg;
mod go;
mod hackage;
mod maven;
mod nuget;
mod pep440;
mod pub_semver;
mod rpm;
mod rubygems;
mod semver;
