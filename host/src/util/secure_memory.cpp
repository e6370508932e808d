#include "util/secure_memory.hpp"

#include <string.h>

namespace latchkey::util {

void wipe(std::string& s) noexcept {
    explicit_bzero(s.data(), s.capacity());
    s.clear();
}

}  // namespace latchkey::util
