// The on-disk (and on-the-wire) form of a stored credential.
#pragma once

#include <optional>
#include <string>

#include "credential/credential_data.hpp"

namespace latchkey::storage {

std::string to_json(const detail::CredentialData& credential);
// nullopt with `error` set when the document is not a credential this
// version understands.
std::optional<detail::CredentialData> from_json(const std::string& text, std::string& error);

}  // namespace latchkey::storage
