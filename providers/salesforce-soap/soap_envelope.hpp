// The SOAP 1.1 request of Salesforce's partner API login call.
#ifndef LATCHKEY_SALESFORCE_SOAP_ENVELOPE_HPP
#define LATCHKEY_SALESFORCE_SOAP_ENVELOPE_HPP

#include <string>

namespace latchkey::salesforce {

// <soapenv:Envelope><soapenv:Body><n1:login xmlns:n1="urn:partner.soap.sforce.com">
// <n1:username>..</n1:username><n1:password>..</n1:password></n1:login>...
// built with libxml2, which escapes the text. `password` is the password with
// the security token appended, as Salesforce expects. Throws
// std::runtime_error when libxml2 cannot build it (out of memory, or text
// that is not UTF-8).
std::string login_envelope(const std::string& username, const std::string& password);

}  // namespace latchkey::salesforce

#endif  // LATCHKEY_SALESFORCE_SOAP_ENVELOPE_HPP
