# Generates the inputs of the issue-3 reading benchmark (docs/performance.md): a ~50 MB Terraform
# state (~100,000 resources) or an AWS CLI snapshot of about the same size.
#   python3 bench/generate_json_inputs.py OUTDIR 500 state      # OUTDIR/state.json-like output
#   python3 bench/generate_json_inputs.py OUTDIR 170 snapshot   # OUTDIR/aws_configs/...
# Optional: subnets per VPC, ENIs per subnet, network ACL entries per subnet (each subnet then has
# its own network ACL). Issue 9's snapshot (10 VPCs, 10,000 subnets, 100,000 ENIs, 220,000 ACL
# entries, ~180 MB):
#   python3 bench/generate_json_inputs.py OUTDIR 10 snapshot 1000 10 22
import json, os, sys
out = sys.argv[1]
VPCS = int(sys.argv[2])
SUBNETS = int(sys.argv[4]) if len(sys.argv) > 4 else 40
PER_SUBNET = int(sys.argv[5]) if len(sys.argv) > 5 else 2
NACL_ENTRIES = int(sys.argv[6]) if len(sys.argv) > 6 else 0
STATE_ONLY = sys.argv[3] == "state"
# A /24 per subnet, or a /26 when a VPC has more than 256 subnets.
def subnet_cidr(a, b, s):
    if SUBNETS <= 256: return f"{a}.{b}.{s}.0/24", f"{a}.{b}.{s}."
    o = s * 64
    return f"{a}.{b}.{o // 256}.{o % 256}/26", None
def host(a, b, s, k):
    if SUBNETS <= 256: return f"{a}.{b}.{s}.{10 + k}"
    o = s * 64 + 10 + k
    return f"{a}.{b}.{o // 256}.{o % 256}"
def tags(name): return {"Name": name, "Environment": "prod", "Team": "network", "CostCenter": "1234"}
res = []
def r(t, name, values, index=None):
    addr = f"{t}.{name}" + (f"[{index}]" if index is not None else "")
    d = {"address": addr, "mode": "managed", "type": t, "name": name,
         "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 1,
         "values": values, "sensitive_values": {}}
    if index is not None: d["index"] = index
    res.append(d)
vpcs, subnets, rts, sgs, enis, insts, igws = [], [], [], [], [], [], []
for v in range(VPCS):
    a, b = 10 + v // 256, v % 256
    vid = f"vpc-{v:08x}"; igw = f"igw-{v:08x}"; rt = f"rtb-{v:08x}"
    r("aws_vpc", f"v{v}", {"id": vid, "cidr_block": f"{a}.{b}.0.0/16", "arn": f"arn:aws:ec2:us-east-1:123456789012:vpc/{vid}",
        "enable_dns_support": True, "enable_dns_hostnames": True, "instance_tenancy": "default", "ipv6_cidr_block": "",
        "main_route_table_id": f"rtb-m{v:07x}", "default_security_group_id": f"sg-d{v:07x}", "default_network_acl_id": f"acl-d{v:07x}",
        "owner_id": "123456789012", "tags": tags(f"vpc{v}"), "tags_all": tags(f"vpc{v}")})
    r("aws_internet_gateway", f"g{v}", {"id": igw, "vpc_id": vid, "arn": f"arn:aws:ec2:us-east-1:123456789012:internet-gateway/{igw}", "owner_id": "123456789012", "tags": tags(f"igw{v}")})
    r("aws_route_table", f"rt{v}", {"id": rt, "vpc_id": vid, "propagating_vgws": [], "owner_id": "123456789012",
        "route": [{"cidr_block": "0.0.0.0/0", "gateway_id": igw, "ipv6_cidr_block": "", "nat_gateway_id": "", "network_interface_id": "",
                   "transit_gateway_id": "", "vpc_peering_connection_id": "", "egress_only_gateway_id": "", "instance_id": "",
                   "carrier_gateway_id": "", "core_network_arn": "", "destination_prefix_list_id": "", "local_gateway_id": "", "vpc_endpoint_id": ""}],
        "tags": tags(f"rt{v}")})
    vpcs.append((vid, f"{a}.{b}.0.0/16", igw, rt))
    for s in range(SUBNETS):
        sid = f"subnet-{v:04x}{s:04x}"; sg = f"sg-{v:04x}{s:04x}"
        r("aws_subnet", f"s{v}", {"id": sid, "vpc_id": vid, "cidr_block": subnet_cidr(a, b, s)[0], "availability_zone": "us-east-1a",
            "map_public_ip_on_launch": True, "ipv6_cidr_block": "", "arn": f"arn:aws:ec2:us-east-1:123456789012:subnet/{sid}", "tags": tags(f"s{v}-{s}")}, s)
        r("aws_route_table_association", f"a{v}", {"id": f"rtbassoc-{v:04x}{s:04x}", "subnet_id": sid, "route_table_id": rt, "gateway_id": ""}, s)
        rule = lambda p: {"from_port": p, "to_port": p, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": [], "self": False, "description": "web"}
        r("aws_security_group", f"sg{v}", {"id": sg, "name": f"web-{v}-{s}", "vpc_id": vid, "ingress": [rule(443), rule(80)],
            "egress": [{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": [], "self": False, "description": ""}],
            "arn": f"arn:aws:ec2:us-east-1:123456789012:security-group/{sg}", "tags": tags(f"sg{v}-{s}")}, s)
        subnets.append((sid, vid, subnet_cidr(a, b, s)[0])); sgs.append((sg, vid))
        for k in range(PER_SUBNET):
            n = (v * SUBNETS + s) * PER_SUBNET + k
            iid = f"i-{n:012x}"; eni = f"eni-{n:012x}"; ip = host(a, b, s, k)
            pub = f"{100 + n // 65536 % 100}.{n // 256 % 256}.{n % 256}.{1 + k}"
            r("aws_instance", f"i{v}_{s}", {"id": iid, "subnet_id": sid, "private_ip": ip, "public_ip": pub, "vpc_security_group_ids": [sg],
                "primary_network_interface_id": eni, "instance_state": "running", "instance_type": "t3.micro", "ami": "ami-0123456789abcdef0",
                "source_dest_check": True, "arn": f"arn:aws:ec2:us-east-1:123456789012:instance/{iid}", "tags": tags(f"i{n}")}, k)
            insts.append((iid, eni, sid, vid, ip, pub, sg))
os.makedirs(out, exist_ok=True)
with open(f"{out}/state.json", "w") as f:
    json.dump({"format_version": "1.0", "terraform_version": "1.9.5", "values": {"root_module": {"resources": res}}}, f, separators=(",", ":"))
print("resources", len(res), "bytes", os.path.getsize(f"{out}/state.json"))
if STATE_ONLY: sys.exit(0)
d = f"{out}/snapshot/aws_configs/123456789012/us-east-1"; os.makedirs(d, exist_ok=True)
T = lambda name: [{"Key": "Name", "Value": name}, {"Key": "Team", "Value": "network"}]
def dump(key, items):
    with open(f"{d}/{key}.json", "w") as f: json.dump({key: items}, f, indent=1)
dump("Vpcs", [{"VpcId": v, "CidrBlock": c, "State": "available", "OwnerId": "123456789012", "IsDefault": False, "DhcpOptionsId": "dopt-1",
    "CidrBlockAssociationSet": [{"AssociationId": "vpc-cidr-assoc-1", "CidrBlock": c, "CidrBlockState": {"State": "associated"}}], "Tags": T(v)} for v, c, _, _ in vpcs])
dump("InternetGateways", [{"InternetGatewayId": g, "OwnerId": "123456789012", "Attachments": [{"VpcId": v, "State": "available"}], "Tags": T(g)} for v, _, g, _ in vpcs])
dump("Subnets", [{"SubnetId": s, "VpcId": v, "CidrBlock": c, "AvailabilityZone": "us-east-1a", "AvailabilityZoneId": "use1-az1", "State": "available",
    "MapPublicIpOnLaunch": True, "AvailableIpAddressCount": 249, "DefaultForAz": False, "Ipv6CidrBlockAssociationSet": [], "OwnerId": "123456789012",
    "SubnetArn": f"arn:aws:ec2:us-east-1:123456789012:subnet/{s}", "Tags": T(s)} for s, v, c in subnets])
rtl = []
for v, c, g, rt in vpcs:
    assoc = [{"Main": False, "RouteTableAssociationId": f"rtbassoc-{s}", "RouteTableId": rt, "SubnetId": s, "AssociationState": {"State": "associated"}} for s, sv, _ in subnets if sv == v]
    assoc.append({"Main": True, "RouteTableAssociationId": f"rtbassoc-m{rt}", "RouteTableId": rt, "AssociationState": {"State": "associated"}})
    rtl.append({"RouteTableId": rt, "VpcId": v, "OwnerId": "123456789012", "PropagatingVgws": [], "Associations": assoc, "Tags": T(rt),
        "Routes": [{"DestinationCidrBlock": c, "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"},
                   {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": g, "Origin": "CreateRoute", "State": "active"}]})
dump("RouteTables", rtl)
perm = lambda p: {"IpProtocol": "tcp", "FromPort": p, "ToPort": p, "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "web"}], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}
dump("SecurityGroups", [{"GroupId": g, "GroupName": f"web-{g}", "Description": "web", "VpcId": v, "OwnerId": "123456789012",
    "IpPermissions": [perm(443), perm(80)], "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}], "Tags": T(g)} for g, v in sgs])
def eni_shape(iid, eni, sid, vid, ip, pub, sg, full):
    e = {"NetworkInterfaceId": eni, "SubnetId": sid, "VpcId": vid, "Status": "in-use", "SourceDestCheck": True, "PrivateIpAddress": ip,
         "MacAddress": "0a:00:00:00:00:01", "OwnerId": "123456789012", "Groups": [{"GroupId": sg, "GroupName": f"web-{sg}"}], "Ipv6Addresses": [],
         "PrivateIpAddresses": [{"Primary": True, "PrivateIpAddress": ip, "PrivateDnsName": f"ip-{ip.replace('.', '-')}.ec2.internal",
             "Association": {"PublicIp": pub, "IpOwnerId": "amazon", "PublicDnsName": ""}}],
         "Attachment": {"AttachmentId": f"eni-attach-{eni[4:]}", "DeviceIndex": 0, "Status": "attached", "DeleteOnTermination": True, "InstanceId": iid}}
    if full: e.update({"InterfaceType": "interface", "AvailabilityZone": "us-east-1a", "RequesterManaged": False, "TagSet": []})
    return e
dump("NetworkInterfaces", [eni_shape(*x, True) for x in insts])
dump("Reservations", [{"ReservationId": f"r-{x[0][2:]}", "OwnerId": "123456789012", "Groups": [], "Instances": [{"InstanceId": x[0], "InstanceType": "t3.micro",
    "ImageId": "ami-0123456789abcdef0", "State": {"Code": 16, "Name": "running"}, "SubnetId": x[2], "VpcId": x[3], "PrivateIpAddress": x[4],
    "PublicIpAddress": x[5], "SecurityGroups": [{"GroupId": x[6], "GroupName": "web"}], "SourceDestCheck": True, "Tags": T(x[0]),
    "NetworkInterfaces": [eni_shape(*x, False)]}]} for x in insts])
if NACL_ENTRIES:
    def entry(n, egress):
        return {"RuleNumber": 100 + n, "Protocol": "6", "RuleAction": "allow" if n % 3 else "deny", "Egress": egress,
                "CidrBlock": f"10.{n}.0.0/16", "PortRange": {"From": 1024 + n, "To": 2048 + n}}
    dump("NetworkAcls", [{"NetworkAclId": f"acl-{s[7:]}", "VpcId": v, "IsDefault": False, "OwnerId": "123456789012",
        "Associations": [{"NetworkAclAssociationId": f"aclassoc-{s[7:]}", "NetworkAclId": f"acl-{s[7:]}", "SubnetId": s}],
        "Entries": [entry(n, n % 2 == 1) for n in range(NACL_ENTRIES)], "Tags": T(s)} for s, v, _ in subnets])
tot = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
print("snapshot bytes", tot)
