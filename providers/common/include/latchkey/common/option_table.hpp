// Builds a provider's option table from parts, so options shared by several
// providers (client authentication, discovery) are declared once.
//
//   constexpr std::array<latchkey_option, 2> kOwn = {{ {...}, {...} }};
//   constexpr auto kOptions = common::option_table(kOwn, common::kClientAuthOptions);
//   LATCHKEY_PROVIDER(P, "name", "1.0.0", "...", kOptions.data())
#ifndef LATCHKEY_COMMON_OPTION_TABLE_HPP
#define LATCHKEY_COMMON_OPTION_TABLE_HPP

#include <latchkey/provider.h>

#include <array>
#include <cstddef>

namespace latchkey::common {

// The concatenation of `parts`, followed by the all-zero entry that ends a
// latchkey_option array.
template <std::size_t... N>
constexpr std::array<latchkey_option, (N + ... + 0) + 1> option_table(
    const std::array<latchkey_option, N>&... parts) {
    std::array<latchkey_option, (N + ... + 0) + 1> out{};
    std::size_t at = 0;
    (([&] {
         for (const latchkey_option& o : parts) out[at++] = o;
     }()),
     ...);
    return out;  // the last entry stays value-initialised: the terminator
}

}  // namespace latchkey::common

#endif  // LATCHKEY_COMMON_OPTION_TABLE_HPP
