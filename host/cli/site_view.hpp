// Printing a described site: its effective values, secrets masked, and
// optionally where each value came from.
#pragma once

#include "command.hpp"

namespace latchkey::cli {

void print_site(const admin::SiteDescription& s, bool with_sources);
void write_site_json(Json& j, const admin::SiteDescription& s, bool with_sources);

}  // namespace latchkey::cli
