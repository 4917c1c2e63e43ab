//! Catalogers against the real fixtures (`shared/fixtures`) and their peers' expected results.

mod lang; // shared helpers of the language-cataloger tests
mod lang_dump; // SCRY_DUMP=cataloger:path:fixture prints what a cataloger finds
mod lang_edges; // dependency edges between a lockfile's packages
mod lang_fuzz; // arbitrary, truncated and mutated input never panics
mod lang_java; // jar/war/ear, gradle.lockfile, pom.xml, build.sbt.lock
mod lang_misc; // Gemfile.lock, gemspec, composer, NuGet (+ props), pubspec.lock, mix.lock
mod lang_npm; // package-lock, yarn, pnpm, bun, node_modules
mod lang_python; // requirements, poetry, Pipfile, uv, pdm, pylock, dist-info
mod lang_rust_go; // Cargo.lock, cargo-auditable, go.mod, Go binaries
mod lang_swift; // Package.resolved
mod os; // os-release, dpkg, apk against os/ fixtures and dpkg-query
mod os_rpm; // rpm BDB/NDB/SQLite against go-rpmdb fixtures
