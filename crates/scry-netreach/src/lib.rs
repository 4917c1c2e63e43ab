//! Network reachability: which ports accept new connections from where, computed from
//! network configuration alone (the "unintended network accessibility" check of Amazon
//! Inspector).
//!
//! - [`aws::analyze_dir`] reads the JSON the AWS CLI prints (`ec2 describe-*`,
//!   `elbv2 describe-*`) and reports, per instance, the port ranges reachable from the
//!   internet, from peered VPCs and through VPN gateways.
//! - [`host::analyze`] reads a Linux host (live `/` or a captured folder): listening sockets,
//!   their processes, interface addresses and the nftables/iptables rule sets, and reports
//!   which services accept connections from which sources.
//! - Both return a [`Report`] of [`Finding`]s of type `NETWORK_REACHABILITY`, shaped like
//!   Inspector's; [`render_table`] prints one, [`Report::exposure_for`] answers "is this
//!   port of this resource reachable from the internet?" for the risk score.
//!
//! Traps:
//! - Network ACLs are stateless: the return traffic (to the client's ephemeral port
//!   1024-65535) must be allowed outbound too. Security groups are stateful.
//! - A NAT gateway route makes a subnet reach the internet, never the other way round.
//! - nftables base chains on one hook are all traversed: `accept` in one chain does not
//!   skip the others, `drop` anywhere is final.
//! - With the `iptables-nft` backend the same rules appear in `iptables-save` and in
//!   `nft -j list ruleset` (as opaque `xt` expressions); the `iptables-save` text wins.
//! - Unknown matches are treated as "the attacker can satisfy them": an accept rule with
//!   an unknown match accepts, a drop rule with one does not drop. Answers err on the side
//!   of reporting exposure.

mod addr;
pub mod aws;
pub mod host;
mod report;

pub use crate::addr::AddrSet;
pub use crate::report::{
    Exposure, Finding, FindingType, Listener, NetworkPath, NetworkReachabilityDetails, PathStep,
    PortRange, Protocol, Recommendation, Remediation, Report, Resource, render_table, severity_for,
};
