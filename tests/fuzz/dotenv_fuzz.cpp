// A ./.env file, as `dotenv = true` has latchkey read it.
#include <cstdint>

#include "latchkey/error.hpp"
#include "policy/dotenv.hpp"
#include "support/scratch_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static latchkey::fuzz::ScratchFile file(".env");
    try {
        latchkey::policy::read_dotenv(file.write(data, size));
    } catch (const latchkey::Error&) {
        // A malformed line is reported with its file and line number.
    }
    return 0;
}
