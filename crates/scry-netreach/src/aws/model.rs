//! Serde types for the AWS CLI's `--output json`, only the fields the analysis uses.
//!
//! Every output has a distinct top-level key (`Reservations`, `SecurityGroups`, ...), so
//! each file — or one combined file — deserializes into the same [`Inventory`] and
//! inventories merge by concatenation.

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct Inventory {
    pub(crate) reservations: Vec<Reservation>,
    pub(crate) network_interfaces: Vec<Eni>,
    pub(crate) security_groups: Vec<SecurityGroup>,
    pub(crate) network_acls: Vec<NetworkAcl>,
    pub(crate) route_tables: Vec<RouteTable>,
    pub(crate) internet_gateways: Vec<InternetGateway>,
    pub(crate) subnets: Vec<Subnet>,
    pub(crate) vpcs: Vec<Vpc>,
    pub(crate) vpc_peering_connections: Vec<PeeringConnection>,
    pub(crate) vpn_gateways: Vec<VpnGateway>,
    pub(crate) load_balancers: Vec<LoadBalancer>,
    pub(crate) listeners: Vec<LbListener>,
    pub(crate) target_groups: Vec<TargetGroup>,
    /// `describe-target-health` output, with the `TargetGroupArn` it was asked for added
    /// next to it (the CLI output does not name the group).
    pub(crate) target_health_descriptions: Vec<TargetHealthDescription>,
    pub(crate) target_group_arn: Option<String>,
    /// Combined form: one entry per target group.
    pub(crate) target_health: Vec<TargetGroupHealth>,
    /// Combined form of `get-managed-prefix-list-entries`: prefix list id → entries.
    pub(crate) prefix_list_entries: BTreeMap<String, Vec<PrefixListEntry>>,
    /// `get-managed-prefix-list-entries` output (id from the file name).
    pub(crate) entries: Vec<PrefixListEntry>,
}

impl Inventory {
    pub(crate) fn extend(&mut self, o: Self) {
        self.reservations.extend(o.reservations);
        self.network_interfaces.extend(o.network_interfaces);
        self.security_groups.extend(o.security_groups);
        self.network_acls.extend(o.network_acls);
        self.route_tables.extend(o.route_tables);
        self.internet_gateways.extend(o.internet_gateways);
        self.subnets.extend(o.subnets);
        self.vpcs.extend(o.vpcs);
        self.vpc_peering_connections
            .extend(o.vpc_peering_connections);
        self.vpn_gateways.extend(o.vpn_gateways);
        self.load_balancers.extend(o.load_balancers);
        self.listeners.extend(o.listeners);
        self.target_groups.extend(o.target_groups);
        if let Some(arn) = o.target_group_arn {
            self.target_health.push(TargetGroupHealth {
                target_group_arn: arn,
                target_health_descriptions: o.target_health_descriptions,
            });
        }
        self.target_health.extend(o.target_health);
        self.prefix_list_entries.extend(o.prefix_list_entries);
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct Reservation {
    pub(crate) instances: Vec<Instance>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct GroupRef {
    pub(crate) group_id: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct Instance {
    pub(crate) instance_id: String,
    pub(crate) subnet_id: Option<String>,
    pub(crate) private_ip_address: Option<String>,
    pub(crate) public_ip_address: Option<String>,
    pub(crate) security_groups: Vec<GroupRef>,
    pub(crate) network_interfaces: Vec<Eni>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct Association {
    pub(crate) public_ip: Option<String>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct PrivateIp {
    pub(crate) private_ip_address: Option<String>,
    pub(crate) association: Option<Association>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct Ipv6Address {
    pub(crate) ipv6_address: String,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct Attachment {
    pub(crate) instance_id: Option<String>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct Eni {
    pub(crate) network_interface_id: String,
    pub(crate) subnet_id: Option<String>,
    pub(crate) groups: Vec<GroupRef>,
    pub(crate) private_ip_address: Option<String>,
    pub(crate) private_ip_addresses: Vec<PrivateIp>,
    pub(crate) association: Option<Association>,
    pub(crate) ipv6_addresses: Vec<Ipv6Address>,
    pub(crate) attachment: Option<Attachment>,
    pub(crate) description: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct SecurityGroup {
    pub(crate) group_id: String,
    pub(crate) ip_permissions: Vec<IpPermission>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct IpPermission {
    pub(crate) ip_protocol: String,
    pub(crate) from_port: Option<i64>,
    pub(crate) to_port: Option<i64>,
    pub(crate) ip_ranges: Vec<IpRange>,
    pub(crate) ipv6_ranges: Vec<Ipv6Range>,
    pub(crate) prefix_list_ids: Vec<PrefixListId>,
    pub(crate) user_id_group_pairs: Vec<GroupRef>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct IpRange {
    pub(crate) cidr_ip: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct Ipv6Range {
    pub(crate) cidr_ipv6: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct PrefixListId {
    pub(crate) prefix_list_id: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct PrefixListEntry {
    pub(crate) cidr: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct NetworkAcl {
    pub(crate) network_acl_id: String,
    pub(crate) vpc_id: String,
    pub(crate) is_default: bool,
    pub(crate) associations: Vec<SubnetAssoc>,
    pub(crate) entries: Vec<NaclEntry>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct SubnetAssoc {
    pub(crate) subnet_id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct NaclEntry {
    pub(crate) rule_number: i64,
    pub(crate) protocol: String,
    pub(crate) rule_action: String,
    pub(crate) egress: bool,
    pub(crate) cidr_block: Option<String>,
    pub(crate) ipv6_cidr_block: Option<String>,
    pub(crate) port_range: Option<NaclPorts>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct NaclPorts {
    pub(crate) from: i64,
    pub(crate) to: i64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct RouteTable {
    pub(crate) route_table_id: String,
    pub(crate) vpc_id: String,
    pub(crate) associations: Vec<RtbAssoc>,
    pub(crate) routes: Vec<Route>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct RtbAssoc {
    pub(crate) main: bool,
    pub(crate) subnet_id: Option<String>,
    /// Edge association (ingress routing) with an internet or virtual private gateway.
    pub(crate) gateway_id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct Route {
    pub(crate) destination_cidr_block: Option<String>,
    pub(crate) destination_ipv6_cidr_block: Option<String>,
    pub(crate) destination_prefix_list_id: Option<String>,
    pub(crate) gateway_id: Option<String>,
    pub(crate) nat_gateway_id: Option<String>,
    pub(crate) vpc_peering_connection_id: Option<String>,
    pub(crate) network_interface_id: Option<String>,
    pub(crate) instance_id: Option<String>,
    pub(crate) transit_gateway_id: Option<String>,
    pub(crate) egress_only_internet_gateway_id: Option<String>,
    pub(crate) state: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct InternetGateway {
    pub(crate) internet_gateway_id: String,
    pub(crate) attachments: Vec<VpcAttachment>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct VpcAttachment {
    pub(crate) vpc_id: String,
    pub(crate) state: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct Subnet {
    pub(crate) subnet_id: String,
    pub(crate) vpc_id: Option<String>,
    pub(crate) cidr_block: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct Vpc {
    pub(crate) vpc_id: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct PeeringConnection {
    pub(crate) vpc_peering_connection_id: String,
    pub(crate) status: Option<PeeringStatus>,
    pub(crate) accepter_vpc_info: PeerInfo,
    pub(crate) requester_vpc_info: PeerInfo,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct PeeringStatus {
    pub(crate) code: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct PeerInfo {
    pub(crate) vpc_id: String,
    pub(crate) cidr_block: Option<String>,
    pub(crate) cidr_block_set: Vec<CidrBlock>,
    pub(crate) ipv6_cidr_block_set: Vec<Ipv6CidrBlock>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct CidrBlock {
    pub(crate) cidr_block: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct Ipv6CidrBlock {
    pub(crate) ipv6_cidr_block: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct VpnGateway {
    pub(crate) vpn_gateway_id: String,
    pub(crate) vpc_attachments: Vec<VpcAttachment>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct LoadBalancer {
    pub(crate) load_balancer_arn: String,
    pub(crate) load_balancer_name: String,
    pub(crate) scheme: String,
    #[serde(rename = "Type")]
    pub(crate) lb_type: String,
    pub(crate) vpc_id: String,
    pub(crate) security_groups: Vec<String>,
    pub(crate) availability_zones: Vec<LbZone>,
    pub(crate) ip_address_type: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct LbZone {
    pub(crate) subnet_id: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct LbListener {
    pub(crate) load_balancer_arn: String,
    pub(crate) port: u16,
    pub(crate) protocol: String,
    pub(crate) default_actions: Vec<LbAction>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct LbAction {
    #[serde(rename = "Type")]
    pub(crate) action_type: String,
    pub(crate) target_group_arn: Option<String>,
    pub(crate) forward_config: Option<ForwardConfig>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct ForwardConfig {
    pub(crate) target_groups: Vec<TgRef>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct TgRef {
    pub(crate) target_group_arn: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct TargetGroup {
    pub(crate) target_group_arn: String,
    pub(crate) port: Option<u16>,
    pub(crate) target_type: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct TargetGroupHealth {
    pub(crate) target_group_arn: String,
    pub(crate) target_health_descriptions: Vec<TargetHealthDescription>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct TargetHealthDescription {
    pub(crate) target: Target,
    pub(crate) target_health: TargetHealth,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct Target {
    pub(crate) id: String,
    pub(crate) port: Option<u16>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct TargetHealth {
    pub(crate) state: String,
}
