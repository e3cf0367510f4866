#!/usr/bin/env bash
# `cloudtwin validate` on a CloudFormation template of every AWS::DirectConnect:: type
# (tests/load/cloudformation/data/direct-connect.yaml, after the partner's hosted connection it
# names): read, not ignored; a template breaking AWS's rules is refused (exit 2) with each error at
# file:line:column and the resource (shared/reference/direct-connect.md §2.4-2.5).
set -u
bin="$1"
root="$2"
tmp=$(mktemp -d /tmp/cloudtwin-dx-template.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/expect.sh"  # expect NAME WANT_STATUS PATTERN -- command...

data="$root/tests/load/cloudformation/data"
expect "template validates" 0 "^ok:" -- \
  "$bin" validate "$data/direct-connect-partner.yaml" "$data/direct-connect.yaml"
expect "no Direct Connect type ignored" 0 "" -- sh -c \
  "'$bin' validate '$data/direct-connect-partner.yaml' '$data/direct-connect.yaml' 2>&1 | grep -q 'ignored: AWS::DirectConnect' && exit 1 || exit 0"

# §2.5: VLAN 1-4094; §2.4: customer ASN 1-4294967294; peer addresses "169.254.255.1/30".
cat >"$tmp/bad.yaml" <<'YAML'
Resources:
  Gw:
    Type: AWS::DirectConnect::DirectConnectGateway
    Properties: {DirectConnectGatewayName: gw, AmazonSideAsn: '64800'}
  Lag:
    Type: AWS::DirectConnect::Lag
    Properties: {LagName: lag, Location: EqDC2, ConnectionsBandwidth: 10Gbps}
  Vif:
    Type: AWS::DirectConnect::PrivateVirtualInterface
    Properties:
      VirtualInterfaceName: vif
      ConnectionId: !Ref Lag
      DirectConnectGatewayId: !Ref Gw
      Vlan: 4095
      BgpPeers:
        - {AddressFamily: ipv4, Asn: '4294967295', AmazonAddress: 169.254.1.1, CustomerAddress: 169.254.1.2/30}
YAML
expect "bad VLAN located" 2 "bad.yaml:14:13: error: \[Vif\] .Vlan. must be a whole number from 1 to 4094" -- \
  "$bin" validate "$tmp/bad.yaml"
expect "bad ASN located" 2 "bad.yaml:16:38: error: \[Vif\] .Asn. must be a whole number" -- \
  "$bin" validate "$tmp/bad.yaml"
expect "bad peer address located" 2 "bad.yaml:16:[0-9]+: error: \[Vif\] .AmazonAddress.: .169.254.1.1. is not an address with its prefix length" -- \
  "$bin" validate "$tmp/bad.yaml"

# finalize(): a transit virtual interface's MTU is 1500 or 8500 (set-jumbo-frames-vif.html).
cat >"$tmp/mtu.yaml" <<'YAML'
Resources:
  Gw:
    Type: AWS::DirectConnect::DirectConnectGateway
    Properties: {DirectConnectGatewayName: gw, AmazonSideAsn: '64800'}
  Lag:
    Type: AWS::DirectConnect::Lag
    Properties: {LagName: lag, Location: EqDC2, ConnectionsBandwidth: 10Gbps}
  Vif:
    Type: AWS::DirectConnect::TransitVirtualInterface
    Properties:
      VirtualInterfaceName: vif
      ConnectionId: !Ref Lag
      DirectConnectGatewayId: !Ref Gw
      Vlan: 102
      Mtu: 9001
      BgpPeers: [{AddressFamily: ipv4, Asn: '65010'}]
YAML
expect "transit MTU located" 2 "mtu.yaml:15:12: error: \[dxvif-[0-9a-f]+\] MTU 9001 is not one a transit virtual interface can have" -- \
  "$bin" validate "$tmp/mtu.yaml"

echo "direct_connect_template: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
