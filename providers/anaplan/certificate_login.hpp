// The body and header of Anaplan's CA-certificate login. The client proves it
// holds the certificate's private key by signing fresh random bytes:
//   Authorization: CACertificate <base64 of the certificate file (PEM text)>
//   {"encodedData": b64(data), "encodedSignedData": b64(RSA-SHA512(data))}
// Format "v2" prefixes the random bytes with the time (8 bytes, big-endian
// Unix seconds) and says so with "encodedDataFormat": "v2", so the server can
// refuse a replayed signature.
#ifndef LATCHKEY_ANAPLAN_CERTIFICATE_LOGIN_HPP
#define LATCHKEY_ANAPLAN_CERTIFICATE_LOGIN_HPP

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <fstream>
#include <latchkey/provider.hpp>
#include <sstream>
#include <string>

namespace latchkey::anaplan {

// Anaplan's own clients sign 150 random bytes.
constexpr size_t kNonceBytes = 150;

struct CertificateSettings {
    std::string certificate_file;  // PEM certificate, sent whole
    std::string private_key_file;  // PEM private key, used only through the host's `sign`
    std::string private_key_passphrase;
    bool v2 = false;  // encoded_data_format = "v2"
};

// The certificate file's bytes; a config error naming the file when
// unreadable. `path` comes from a PATH option: the host expanded `~/`.
inline std::string read_certificate(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    if (in) text << in.rdbuf();
    if (!in || text.str().empty())
        throw sdk::config_error("cannot read the certificate file " + path +
                                "; check the option 'certificate_file'");
    if (text.str().find("-----BEGIN CERTIFICATE-----") == std::string::npos)
        throw sdk::config_error("the certificate file " + path +
                                " is not a PEM certificate (no BEGIN CERTIFICATE line)");
    return text.str();
}

// The bytes to sign: [8-byte big-endian seconds, v2 only] + 150 random bytes.
inline std::string login_nonce(const sdk::Host& host, bool v2) {
    std::string data;
    if (v2) {
        const uint64_t seconds = static_cast<uint64_t>(host.now_ms() / 1000);
        for (int shift = 56; shift >= 0; shift -= 8)
            data += static_cast<char>((seconds >> shift) & 0xff);
    }
    return data + host.random_bytes(kNonceBytes);
}

// The JSON body of a certificate login, signed with the host's `sign` service.
inline std::string certificate_login_body(const sdk::Host& host, const CertificateSettings& s) {
    const std::string data = login_nonce(host, s.v2);
    const std::string signature =
        host.sign("RS512", s.private_key_file, s.private_key_passphrase, data);
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    w.Key("encodedData");
    const std::string encoded = host.base64(data);
    w.String(encoded.c_str(), static_cast<rapidjson::SizeType>(encoded.size()));
    w.Key("encodedSignedData");
    const std::string signed_data = host.base64(signature);
    w.String(signed_data.c_str(), static_cast<rapidjson::SizeType>(signed_data.size()));
    if (s.v2) {
        w.Key("encodedDataFormat");
        w.String("v2");
    }
    w.EndObject();
    return std::string(buf.GetString(), buf.GetSize());
}

// "Authorization: CACertificate <base64 of the PEM text>".
inline std::string certificate_header(const sdk::Host& host, const CertificateSettings& s) {
    return "Authorization: CACertificate " + host.base64(read_certificate(s.certificate_file));
}

}  // namespace latchkey::anaplan

#endif  // LATCHKEY_ANAPLAN_CERTIFICATE_LOGIN_HPP
