#!/usr/bin/perl
# Writes a small GeoIP2-City-shaped MaxMind database for the geo routing tests
# (route53.md §12.1): documentation networks only, built at test time, never committed.
#   make_geo_fixture.pl OUT.mmdb
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my $out = shift or die "usage: $0 OUT.mmdb\n";
my %types = (continent => 'map', country => 'map', subdivisions => ['array', 'map'],
             location => 'map', code => 'utf8_string', iso_code => 'utf8_string',
             latitude => 'double', longitude => 'double');
my $tree = MaxMind::DB::Writer::Tree->new(
  ip_version => 6, record_size => 24, database_type => 'GeoIP2-City',
  languages => ['en'], description => { en => 'cloudtwin test geo data' },
  map_key_type_callback => sub { $types{ $_[0] } },
  remove_reserved_networks => 0);
# Seattle, Washington, US
$tree->insert_network('198.51.100.0/25', { continent => { code => 'NA' }, country => { iso_code => 'US' },
  subdivisions => [ { iso_code => 'WA' } ], location => { latitude => 47.6, longitude => -122.3 } });
# Frankfurt, DE
$tree->insert_network('198.51.100.128/25', { continent => { code => 'EU' }, country => { iso_code => 'DE' },
  location => { latitude => 50.1, longitude => 8.7 } });
# Paris, FR (Europe, no country set of its own in the tests)
$tree->insert_network('192.0.2.0/24', { continent => { code => 'EU' }, country => { iso_code => 'FR' },
  location => { latitude => 48.9, longitude => 2.35 } });
# Tokyo, JP
$tree->insert_network('203.0.113.0/24', { continent => { code => 'AS' }, country => { iso_code => 'JP' },
  location => { latitude => 35.7, longitude => 139.7 } });
# Beijing, CN
$tree->insert_network('2001:db8:c0::/48', { continent => { code => 'AS' }, country => { iso_code => 'CN' },
  location => { latitude => 39.9, longitude => 116.4 } });
open my $fh, '>:raw', $out or die "$out: $!";
$tree->write_tree($fh);
close $fh;
