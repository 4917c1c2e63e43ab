//! Feed converters against the real snapshots in `shared/vulndb`.

// Language advisory feeds (RubySec, FriendsOfPHP, Node.js WG, RustSec) and RustSec's
// own OSV export as the oracle.
mod friendsofphp;
mod nodejs;
mod rubysec;
mod rustsec;

// Distribution trackers: Debian lists (DSA/DLA/DTSA), Ubuntu CVE tracker, Alpine secdb.
mod alpine;
mod debian;
mod ubuntu;

// Enrichment: CISA KEV and EPSS.
mod enrich;
