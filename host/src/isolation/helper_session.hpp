// The helper's side of the conversation in messages.hpp
// (latchkey-provider-host): loads one plugin with every check the host
// makes (and its pin), runs one ProviderInstance for one site with host
// services from the library's own code (HTTP, signing, random, clock,
// logging with redaction), and asks the host over the socket for what must
// be the host's (the person, the site's cache, other sites' credentials).
#pragma once

#include <string>

namespace latchkey::isolation {

// Serves the host on `fd` until it hangs up; returns the exit status.
int serve_host(int fd, const std::string& plugin_path, const std::string& sha256);

}  // namespace latchkey::isolation
