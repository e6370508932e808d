// Must not compile: host/src is not on the command-line program's include
// path (see CMakeLists.txt beside this file). A header that the program may
// use is included first, so a failure can only come from the second.
#include <latchkey/admin.hpp>

#include "host_impl.hpp"
