//! Catalogers against the real fixtures (`shared/fixtures`) and their peers' expected results.
