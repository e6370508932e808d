// The answer to a Salesforce SOAP login (salesforce-soap): a loginResponse,
// a SOAP fault, or anything else a server or a proxy sends back.
#include <string>

#include "soap_response.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    latchkey::salesforce::parse_login_response(
        std::string(reinterpret_cast<const char*>(data), size));
    return 0;
}
