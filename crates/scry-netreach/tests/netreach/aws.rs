//! AWS scenarios.
