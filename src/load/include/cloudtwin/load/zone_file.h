// The reader of RFC 1035 master files ("zone files") with Knot's libzscanner: one hosted zone
// whose apex is the SOA owner, one record set per owner and type. cli53's Route 53 extensions
// are read too (shared/data/route53/cli53-*.zone): an `AWS ALIAS <type> <target> <zone>
// <evaluate-target-health>` record, and routing fields in a comment after a record
// (`; AWS routing="WEIGHTED" weight=1 identifier="One"`).
#pragma once

#include <string>
#include <string_view>

#include "cloudtwin/core/diagnostic.h"
#include "cloudtwin/model/network.h"

namespace cloudtwin::load {

// Whether `head` (a file's first bytes) and the file name look like a master file: a .zone or
// .db name, or a `$ORIGIN`/`$TTL` directive or an SOA record before any YAML or JSON.
[[nodiscard]] bool looks_like_zone_file(const std::string& path, std::string_view head);

// Reads the master file at `path` into `network` (a HostedZone with its RecordSets). The origin
// is its `$ORIGIN`, else the SOA owner, else the file name without `.zone`/`.db` (a warning).
// Every problem is reported with file:line; returns false if any was an error.
bool read_zone_file(const std::string& path, model::Network& network, Diagnostics& diagnostics);

// The same on `text`, `path` naming it in locations.
bool read_zone_text(std::string_view text, const std::string& path, model::Network& network,
                    Diagnostics& diagnostics);

}  // namespace cloudtwin::load
