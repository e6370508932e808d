#include "module/boundary.hpp"

namespace latchkey::module {

void raise_if_set(const Fault& fault) {
    if (fault.set) throw Error(fault.kind, fault.message);
}

}  // namespace latchkey::module
