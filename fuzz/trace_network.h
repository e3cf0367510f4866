// What every reader fuzzer does with a network it managed to read: finalize it and, if it
// validates, trace between its first and last interface and to the internet.
#pragma once

#include "cloudtwin/model/network.h"
#include "cloudtwin/vpc/trace.h"

namespace cloudtwin::fuzz {

inline void finalize_and_trace(model::Network& network, Diagnostics& diagnostics) {
  if (!model::finalize(network, diagnostics)) return;
  if (network.network_interfaces.empty()) return;
  vpc::Query q;
  q.source.kind = vpc::EndpointKind::kNetworkInterface;
  q.source.index = 0;
  q.destination.kind = vpc::EndpointKind::kNetworkInterface;
  q.destination.index = static_cast<model::Index>(network.network_interfaces.size() - 1);
  (void)vpc::trace(network, q);
  q.destination.kind = vpc::EndpointKind::kInternet;
  (void)vpc::trace(network, q);
}

}  // namespace cloudtwin::fuzz
