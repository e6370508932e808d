// A Salesforce-style SOAP login (partner API), so the salesforce-soap provider
// is tested against the real protocol:
//   POST /services/Soap/u/<version>  Content-Type: text/xml, SOAPAction: login
//   body: <Envelope><Body><login><username/><password/></login></Body></Envelope>
// answers a loginResponse (sessionId from the server's token store, serverUrl
// on this server, userInfo/sessionSecondsValid) or, on a bad password, a SOAP
// fault with INVALID_LOGIN, HTTP 500, as Salesforce does.
// Knobs: --setting salesforce.username=U --setting salesforce.password=P (the
// password with the security token appended, as the client sends it),
// salesforce.session_seconds=N (default 7200). POST /admin/salesforce
// {"reply": "normal" | "xml_bomb" | "not_xml" | "fault"} switches what the
// next logins get. Counter in /admin/stats: salesforce.login.
//
// The request is read by finding the two elements' text, not with an XML
// parser: this server only has to understand the one envelope shape the
// client under test sends, and the test asserts the decoded values.
#include <charconv>
#include <string>
#include <string_view>

#include "json.hpp"
#include "routes.hpp"
#include "settings.hpp"
#include "tokens.hpp"
#include "vendor_support.hpp"

namespace devserver {
namespace {

vendor::ReplyMode reply_mode;

constexpr std::string_view kEnvelopeStart =
    R"(<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope )"
    R"(xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" )"
    R"(xmlns="urn:partner.soap.sforce.com" )"
    R"(xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>)";
constexpr std::string_view kEnvelopeEnd = "</soapenv:Body></soapenv:Envelope>";

// The classic "billion laughs": ten levels of ten references. A parser that
// expands entities would build 10^9 copies of "lol".
constexpr std::string_view kXmlBomb = R"(<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>
<loginResponse><result><sessionId>&lol9;</sessionId></result></loginResponse>
</soapenv:Body></soapenv:Envelope>
)";

// The five predefined entities and character references; enough for text
// written by an XML library.
std::string unescape(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '&') {
            out += s[i];
            continue;
        }
        const auto semi = s.find(';', i);
        if (semi == std::string_view::npos) return out + std::string(s.substr(i));
        const std::string_view name = s.substr(i + 1, semi - i - 1);
        if (name == "amp")
            out += '&';
        else if (name == "lt")
            out += '<';
        else if (name == "gt")
            out += '>';
        else if (name == "quot")
            out += '"';
        else if (name == "apos")
            out += '\'';
        else if (!name.empty() && name[0] == '#') {
            const bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
            unsigned long code = '?';
            const std::string digits(name.substr(hex ? 2 : 1));
            std::from_chars(digits.data(), digits.data() + digits.size(), code, hex ? 16 : 10);
            out += static_cast<char>(code < 0x80 ? code : '?');
        } else {
            out += std::string(s.substr(i, semi - i + 1));
        }
        i = semi;
    }
    return out;
}

// Text of the first element whose local name is `local` (any prefix).
std::string element_text(const std::string& xml, const std::string& local) {
    for (std::size_t pos = 0; (pos = xml.find('<', pos)) != std::string::npos; ++pos) {
        const auto name_end = xml.find_first_of(" >/", pos + 1);
        if (name_end == std::string::npos) break;
        std::string name = xml.substr(pos + 1, name_end - pos - 1);
        if (const auto colon = name.find(':'); colon != std::string::npos) name.erase(0, colon + 1);
        if (name != local) continue;
        const auto open_end = xml.find('>', name_end);
        const auto close = xml.find("</", open_end);
        if (open_end == std::string::npos || close == std::string::npos) break;
        return unescape(std::string_view(xml).substr(open_end + 1, close - open_end - 1));
    }
    return "";
}

void send_fault(httplib::Response& res, const std::string& code, const std::string& message) {
    res.status = 500;
    res.set_content(std::string(kEnvelopeStart) + "<soapenv:Fault><faultcode>sf:" + code +
                        "</faultcode><faultstring>" + code + ": " + message +
                        "</faultstring><detail><sf:LoginFault "
                        "xmlns:sf=\"urn:fault.partner.soap.sforce.com\" xsi:type=\"sf:LoginFault\">"
                        "<sf:exceptionCode>" +
                        code + "</sf:exceptionCode><sf:exceptionMessage>" + message +
                        "</sf:exceptionMessage></sf:LoginFault></detail></soapenv:Fault>" +
                        std::string(kEnvelopeEnd),
                    "text/xml; charset=utf-8");
}

void send_login(ServerContext& ctx, httplib::Response& res, const std::string& username,
                const std::string& version) {
    const std::int64_t seconds =
        static_cast<std::int64_t>(setting_seconds(ctx, "salesforce.session_seconds", 7200.0));
    TokenGrant grant;
    grant.client_id = "salesforce";
    grant.subject = username;
    grant.expires_at = now_epoch_seconds() + seconds;
    const std::string session = ctx.tokens.issue(std::move(grant));
    const std::string server_url = ctx.issuer + "/services/Soap/u/" + version + "/00D000000000001";
    res.status = 200;
    res.set_content(std::string(kEnvelopeStart) + "<loginResponse><result><metadataServerUrl>" +
                        ctx.issuer + "/services/Soap/m/" + version +
                        "/00D000000000001</metadataServerUrl><passwordExpired>false"
                        "</passwordExpired><sandbox>false</sandbox><serverUrl>" +
                        server_url + "</serverUrl><sessionId>" + session +
                        "</sessionId><userId>005000000000001</userId><userInfo>"
                        "<organizationId>00D000000000001</organizationId>"
                        "<sessionSecondsValid>" +
                        std::to_string(seconds) + "</sessionSecondsValid><userName>" + username +
                        "</userName></userInfo></result></loginResponse>" +
                        std::string(kEnvelopeEnd),
                    "text/xml; charset=utf-8");
}

void handle_login(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
    ctx.stats.count("salesforce.login");
    const std::string mode = reply_mode.get();
    if (mode == "xml_bomb") {
        res.status = 200;
        res.set_content(std::string(kXmlBomb), "text/xml; charset=utf-8");
        return;
    }
    if (mode == "not_xml") {
        res.status = 200;
        res.set_content("<html><body>Maintenance in progress</body>", "text/html");
        return;
    }
    if (mode == "fault") {
        send_fault(res, "UNKNOWN_EXCEPTION", "An unexpected error occurred");
        return;
    }
    if (req.get_header_value("SOAPAction") != "login" &&
        req.get_header_value("SOAPAction") != "\"login\"") {
        send_fault(res, "INVALID_OPERATION", "SOAPAction must be login");
        return;
    }
    if (req.get_header_value("Content-Type").rfind("text/xml", 0) != 0) {
        send_fault(res, "INVALID_OPERATION", "Content-Type must be text/xml");
        return;
    }
    const std::string username = element_text(req.body, "username");
    const std::string password = element_text(req.body, "password");
    const std::string want_user = vendor::setting_or(ctx, "salesforce.username", "");
    if (want_user.empty() || username != want_user ||
        password != vendor::setting_or(ctx, "salesforce.password", "")) {
        send_fault(res, "INVALID_LOGIN",
                   "Invalid username, password, security token; or user locked out.");
        return;
    }
    send_login(ctx, res, username, req.matches[1]);
}

// GET /services/data/vXX.X/: a REST resource that takes the session id as a Bearer token.
void handle_rest(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
    const auto token = vendor::authorization(req, "Bearer");
    const auto grant = token ? ctx.tokens.lookup(*token) : std::nullopt;
    if (!grant || grant->client_id != "salesforce") {
        send_json(res, 401, [](JsonWriter& w) {
            w.StartArray();
            w.StartObject();
            w.Key("errorCode");
            w.String("INVALID_SESSION_ID");
            w.EndObject();
            w.EndArray();
        });
        return;
    }
    send_json(res, 200, [&](JsonWriter& w) {
        w.StartObject();
        w.Key("username");
        write_string(w, grant->subject);
        w.EndObject();
    });
}

void install(httplib::Server& server, ServerContext& ctx) {
    server.Post(R"(/services/Soap/u/([0-9]+\.[0-9]+))",
                [&ctx](const httplib::Request& req, httplib::Response& res) {
                    handle_login(ctx, req, res);
                });
    server.Get(R"(/services/data/v[0-9.]+/?)",
               [&ctx](const httplib::Request& req, httplib::Response& res) {
                   handle_rest(ctx, req, res);
               });
    vendor::install_reply_switch(server, "/admin/salesforce", reply_mode,
                                 {"normal", "xml_bomb", "not_xml", "fault"});
}

}  // namespace
}  // namespace devserver

static const devserver::RouteModule kModule{"vendor_salesforce", devserver::install};
