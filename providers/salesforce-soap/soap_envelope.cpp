#include "soap_envelope.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <memory>
#include <stdexcept>

namespace latchkey::salesforce {
namespace {

const xmlChar* x(const char* s) { return reinterpret_cast<const xmlChar*>(s); }

struct DocFree {
    void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};

// libxml2 would silently write a broken document from invalid UTF-8.
bool valid_utf8(const std::string& s) {
    return xmlCheckUTF8(reinterpret_cast<const unsigned char*>(s.c_str())) != 0;
}

}  // namespace

std::string login_envelope(const std::string& username, const std::string& password) {
    if (!valid_utf8(username) || !valid_utf8(password))
        throw std::runtime_error("the username or password is not valid UTF-8");
    std::unique_ptr<xmlDoc, DocFree> doc(xmlNewDoc(x("1.0")));
    if (!doc) throw std::runtime_error("cannot build the SOAP request");
    xmlNode* envelope = xmlNewNode(nullptr, x("Envelope"));
    xmlDocSetRootElement(doc.get(), envelope);
    xmlNs* soapenv =
        xmlNewNs(envelope, x("http://schemas.xmlsoap.org/soap/envelope/"), x("soapenv"));
    xmlSetNs(envelope, soapenv);
    xmlNode* body = xmlNewChild(envelope, soapenv, x("Body"), nullptr);
    xmlNode* login = xmlNewChild(body, nullptr, x("login"), nullptr);
    xmlNs* partner = xmlNewNs(login, x("urn:partner.soap.sforce.com"), x("n1"));
    xmlSetNs(login, partner);
    // xmlNewTextChild escapes &, <, > (unlike xmlNewChild).
    xmlNewTextChild(login, partner, x("username"), x(username.c_str()));
    xmlNewTextChild(login, partner, x("password"), x(password.c_str()));

    xmlChar* text = nullptr;
    int len = 0;
    xmlDocDumpMemoryEnc(doc.get(), &text, &len, "UTF-8");
    if (!text) throw std::runtime_error("cannot serialise the SOAP request");
    std::string out(reinterpret_cast<const char*>(text), static_cast<size_t>(len));
    // The buffer holds the password: wipe it before handing it back.
    for (int i = 0; i < len; ++i) text[i] = 0;
    xmlFree(text);
    return out;
}

}  // namespace latchkey::salesforce
