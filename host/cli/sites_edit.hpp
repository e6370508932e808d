// `latchkey sites add|modify|remove|set-default`: editing the policy file in
// place (see cmd_sites_edit.cpp).
#pragma once

#include <vector>

#include "command.hpp"

namespace latchkey::cli {

std::vector<Command> site_edit_commands();

}  // namespace latchkey::cli
