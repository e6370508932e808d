#include "abi/status.hpp"

namespace latchkey::abi {

latchkey_status status_from(int64_t value) {
    if (value < LATCHKEY_OK || value > LATCHKEY_E_INTERNAL) return LATCHKEY_E_INTERNAL;
    return static_cast<latchkey_status>(value);
}

ErrorKind kind_of(latchkey_status status) {
    switch (status) {
        case LATCHKEY_E_CONFIG:
            return ErrorKind::config;
        case LATCHKEY_E_REJECTED:
            return ErrorKind::rejected;
        case LATCHKEY_E_TRANSIENT:
            return ErrorKind::transient;
        case LATCHKEY_E_INTERACTION_REQUIRED:
            return ErrorKind::login_required;
        default:
            return ErrorKind::internal;
    }
}

latchkey_status status_of(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::config:
        case ErrorKind::usage:
            return LATCHKEY_E_CONFIG;
        case ErrorKind::rejected:
            return LATCHKEY_E_REJECTED;
        case ErrorKind::transient:
            return LATCHKEY_E_TRANSIENT;
        case ErrorKind::login_required:
            return LATCHKEY_E_INTERACTION_REQUIRED;
        default:
            return LATCHKEY_E_INTERNAL;
    }
}

}  // namespace latchkey::abi
