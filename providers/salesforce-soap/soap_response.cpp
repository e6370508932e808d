#include "soap_response.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include <charconv>
#include <cstring>
#include <memory>

namespace latchkey::salesforce {
namespace {

constexpr const char* kSoapNs = "http://schemas.xmlsoap.org/soap/envelope/";

struct CtxtFree {
    void operator()(xmlParserCtxt* c) const { xmlFreeParserCtxt(c); }
};
struct DocFree {
    void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};

// Set by refuse_doctype during this thread's current parse. (Not kept in the
// parser context: xmlCtxtReadMemory resets the context's own fields.)
thread_local bool saw_doctype = false;

// SAX hook called at "<!DOCTYPE name" before any declaration of the internal
// subset is read: stopping here means an entity bomb is never even parsed.
void refuse_doctype(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*) {
    saw_doctype = true;
    xmlStopParser(static_cast<xmlParserCtxt*>(ctx));
}

bool named(const xmlNode* n, const char* local) {
    return n && n->type == XML_ELEMENT_NODE &&
           std::strcmp(reinterpret_cast<const char*>(n->name), local) == 0;
}

bool in_ns(const xmlNode* n, const char* ns) {
    return n->ns && n->ns->href && std::strcmp(reinterpret_cast<const char*>(n->ns->href), ns) == 0;
}

// The first child element of `parent` with local name `local`, any namespace
// (Salesforce puts its elements in a default namespace, faults in none).
const xmlNode* child(const xmlNode* parent, const char* local) {
    if (!parent) return nullptr;
    for (const xmlNode* c = parent->children; c; c = c->next)
        if (named(c, local)) return c;
    return nullptr;
}

// The first element named `local` anywhere under `parent`.
const xmlNode* descendant(const xmlNode* parent, const char* local) {
    if (!parent) return nullptr;
    for (const xmlNode* c = parent->children; c; c = c->next) {
        if (named(c, local)) return c;
        if (const xmlNode* d = descendant(c, local)) return d;
    }
    return nullptr;
}

// Text content of an element; entities are never expanded here because a
// document with a DTD never gets this far.
std::string text(const xmlNode* n) {
    if (!n) return "";
    xmlChar* content = xmlNodeGetContent(n);
    if (!content) return "";
    std::string out(reinterpret_cast<const char*>(content));
    xmlFree(content);
    return out;
}

std::string last_error(xmlParserCtxt* ctxt) {
    const xmlError* e = xmlCtxtGetLastError(ctxt);
    if (!e || !e->message) return "not well-formed XML";
    std::string m = e->message;
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    return m + " (line " + std::to_string(e->line) + ")";
}

LoginAnswer read_fault(const xmlNode* fault) {
    SoapFault f;
    // Salesforce puts the precise code in detail/*Fault/exceptionCode; the
    // faultcode/faultstring pair is the SOAP-level fallback.
    const xmlNode* detail = child(fault, "detail");
    f.exception_code = text(descendant(detail, "exceptionCode"));
    f.exception_message = text(descendant(detail, "exceptionMessage"));
    if (f.exception_code.empty()) {
        f.exception_code = text(child(fault, "faultcode"));
        if (auto colon = f.exception_code.find(':'); colon != std::string::npos)
            f.exception_code.erase(0, colon + 1);
    }
    if (f.exception_message.empty()) f.exception_message = text(child(fault, "faultstring"));
    return f;
}

LoginAnswer read_result(const xmlNode* result) {
    LoginResult r;
    r.session_id = text(child(result, "sessionId"));
    r.server_url = text(child(result, "serverUrl"));
    r.password_expired = text(child(result, "passwordExpired")) == "true";
    std::string secs = text(descendant(child(result, "userInfo"), "sessionSecondsValid"));
    int64_t v = 0;
    auto [end, ec] = std::from_chars(secs.data(), secs.data() + secs.size(), v);
    if (ec == std::errc() && end == secs.data() + secs.size() && v > 0) r.session_seconds_valid = v;
    if (r.session_id.empty()) return Unreadable{"the loginResponse has no sessionId"};
    if (r.server_url.empty()) return Unreadable{"the loginResponse has no serverUrl"};
    return r;
}

}  // namespace

LoginAnswer parse_login_response(const std::string& body) {
    xmlInitParser();
    std::unique_ptr<xmlParserCtxt, CtxtFree> ctxt(xmlNewParserCtxt());
    if (!ctxt || !ctxt->sax) return Unreadable{"cannot create an XML parser"};
    ctxt->sax->internalSubset = refuse_doctype;
    saw_doctype = false;
    // NONET: never fetch anything; no NOENT/DTDLOAD/DTDATTR: entities stay
    // unexpanded and no external DTD is read. NOERROR/NOWARNING: libxml2
    // must not print to our stderr; the error is read back below.
    const int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
    std::unique_ptr<xmlDoc, DocFree> doc(xmlCtxtReadMemory(ctxt.get(), body.data(),
                                                           static_cast<int>(body.size()),
                                                           "soap-response.xml", nullptr, options));
    if (saw_doctype)
        return Unreadable{"the answer carries a DOCTYPE, which SOAP forbids (refused unread)"};
    if (!doc) return Unreadable{"not XML: " + last_error(ctxt.get())};

    const xmlNode* root = xmlDocGetRootElement(doc.get());
    if (!named(root, "Envelope") || !in_ns(root, kSoapNs))
        return Unreadable{"not a SOAP 1.1 envelope"};
    const xmlNode* soap_body = child(root, "Body");
    if (const xmlNode* fault = child(soap_body, "Fault")) return read_fault(fault);
    const xmlNode* result = child(child(soap_body, "loginResponse"), "result");
    if (!result) return Unreadable{"a SOAP envelope without a loginResponse or a fault"};
    return read_result(result);
}

}  // namespace latchkey::salesforce
