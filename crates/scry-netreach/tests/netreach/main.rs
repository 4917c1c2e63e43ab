//! scry-netreach integration tests.

// AWS scenarios: hand-written CLI JSON under tests/data/aws/<scenario>/, expected answers
// with their reasons in tests/data/aws/README.md.
mod aws;
// Hosts from hand-written capture folders: parsers, errors, hostile input.
mod host_capture;
// Hosts for real: network namespaces, veth pairs, nftables/iptables rule sets, real
// listeners and real TCP/UDP connections checked against the report.
mod netns;
// Helper modes of this binary (listener, prober, analyser) run inside namespaces.
mod helper;
