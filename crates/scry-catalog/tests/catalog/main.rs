//! Catalogers against the real fixtures (`shared/fixtures`) and their peers' expected results.

mod lang; // shared helpers of the language-cataloger tests
mod lang_npm; // package-lock, yarn, pnpm, bun, node_modules
