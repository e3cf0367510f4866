#!/usr/bin/env bash
# End-to-end checks of what the Terraform and AWS CLI readers take from real inputs: public
# addresses a plan's instances get at launch, implied on-premises parties of VPN connections,
# Region folders that are symbolic links, and JSON errors located at their line:column.
set -u
bin="$1"
root="$2"
tmp=$(mktemp -d /tmp/cloudtwin-inputs.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/expect.sh"  # expect NAME WANT_STATUS PATTERN -- command...

data="$root/../shared/data"
# vpc-ip-addressing.html: web_subnet maps public IPv4 addresses on launch, so the plan's web host
# is reachable from the internet, and its security group opens SSH to the world.
expect "plan web host exposed" 0 "aws_instance.web_host\): SSH \(tcp 22\) open to the whole internet" -- \
  "$bin" exposure "$data/terraform/checkov-runner-plan-tfplan.json"

# A snapshot whose Region folder is a link, a static VPN and an instance behind it.
snap="$tmp/snapshot"
mkdir -p "$snap/aws_configs" "$tmp/elsewhere/eu-west-1-2026"
d="$tmp/elsewhere/eu-west-1-2026"
ln -s "$d" "$snap/aws_configs/eu-west-1"
echo '{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.1.0.0/16"}]}' >"$d/vpcs.json"
echo '{"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.1.0.0/24", "AvailabilityZone": "eu-west-1a"}]}' >"$d/subnets.json"
echo '{"SecurityGroups": [{"GroupId": "sg-1", "GroupName": "app", "VpcId": "vpc-1",
  "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "192.168.0.0/16"}]}],
  "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]}' >"$d/sg.json"
echo '{"Reservations": [{"Instances": [{"InstanceId": "i-1", "State": {"Name": "running"}, "SubnetId": "subnet-1",
  "Tags": [{"Key": "Name", "Value": "app"}], "NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "SubnetId": "subnet-1",
  "Groups": [{"GroupId": "sg-1"}], "PrivateIpAddress": "10.1.0.10", "Attachment": {"DeviceIndex": 0}}]}]}]}' >"$d/instances.json"
echo '{"RouteTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-1", "Associations": [{"Main": true}],
  "Routes": [{"DestinationCidrBlock": "192.168.0.0/16", "GatewayId": "vgw-1", "Origin": "CreateRoute", "State": "active"}]}]}' >"$d/rt.json"
echo '{"VpnGateways": [{"VpnGatewayId": "vgw-1", "State": "available", "VpcAttachments": [{"VpcId": "vpc-1", "State": "attached"}]}]}' >"$d/vgw.json"
echo '{"CustomerGateways": [{"CustomerGatewayId": "cgw-1", "IpAddress": "198.51.100.7", "BgpAsn": "65000", "State": "available"}]}' >"$d/cgw.json"
echo '{"VpnConnections": [{"VpnConnectionId": "vpn-1", "State": "available", "VpnGatewayId": "vgw-1", "CustomerGatewayId": "cgw-1",
  "Options": {"StaticRoutesOnly": true}, "Routes": [{"DestinationCidrBlock": "192.168.0.0/16", "State": "available"}]}]}' >"$d/vpn.json"
expect "symlinked region folder is read" 0 "" -- "$bin" validate "$snap"
expect "region option that disagrees" 0 "--region us-east-1 differs from the snapshot's Region eu-west-1" -- \
  "$bin" validate "$snap" --region us-east-1
# VPNRoutingTypes.html: the static route's destination is on premises, behind the connection.
expect "trace from the implied on-premises network" 0 "^REACHABLE" -- \
  "$bin" trace "$snap" --from 192.168.4.4 --to app --port 22
expect "trace to the implied on-premises network" 0 "^REACHABLE" -- \
  "$bin" trace "$snap" --from app --to 192.168.4.4 --port 22

# JSON errors at their own line:column.
printf '{"Vpcs": [],\n "Vpcs": []}\n' >"$d/dup.json"
expect "duplicate key located" 2 "dup.json:2:[0-9]+: error: .*duplicate key .Vpcs." -- "$bin" validate "$snap"
rm "$d/dup.json"
printf '{"format_version": "1.0", "values": {}}\n{"format_version": "1.0", "values": {}}\n' >"$tmp/two.json"
expect "second document located" 2 "two.json:2:1: error: more than one JSON document" -- "$bin" validate "$tmp/two.json"
printf '{"format_version": null, "values": {}}\n' >"$tmp/null.json"
expect "null format_version" 2 "null.json:1:[0-9]+: error: .format_version. is null" -- "$bin" validate "$tmp/null.json"

echo "inputs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
