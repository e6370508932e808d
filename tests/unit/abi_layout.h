/* The published layout of the plugin ABI on x86_64 Linux (LP64), frozen.
 *
 * Plugins are built once and loaded by later hosts, so a struct of
 * latchkey/provider.h or latchkey/storage.h may only ever grow at the end
 * (append-only) and every field keeps the offset it was published at. A
 * field inserted, removed, reordered or retyped in the middle moves the ones
 * after it, and every plugin already built would then be read wrongly, with
 * no error anywhere. These assertions make that a build failure.
 *
 * Included by abi_layout_test.cpp (C++) and abi_layout_test.c (C): plugins
 * are compiled by both, and both must see the same layout.
 *
 * When a minor version appends a field: add its offset and the struct's new
 * size here, and the new *_V1_x_SIZE constant. Never change a line that is
 * already here. */
#ifndef LATCHKEY_TESTS_ABI_LAYOUT_H
#define LATCHKEY_TESTS_ABI_LAYOUT_H

#include <latchkey/storage.h> /* and provider.h */

#ifdef __cplusplus
#define ABI_FROZEN(what) static_assert(what, #what)
#define ABI_ALIGNOF(type) alignof(type)
#else
#define ABI_FROZEN(what) _Static_assert(what, #what)
#define ABI_ALIGNOF(type) _Alignof(type)
#endif

#if defined(__x86_64__) && defined(__linux__)

/* What the host and plugins agree on besides the structs. */
ABI_FROZEN(LATCHKEY_ABI_MAJOR == 1);
ABI_FROZEN(LATCHKEY_STORAGE_ABI_MAJOR == 1);
ABI_FROZEN(sizeof(latchkey_status) == 4);
ABI_FROZEN(sizeof(latchkey_option_type) == 4);
ABI_FROZEN(sizeof(latchkey_log_level) == 4);
ABI_FROZEN(LATCHKEY_OK == 0 && LATCHKEY_E_CONFIG == 1 && LATCHKEY_E_REJECTED == 2 &&
           LATCHKEY_E_TRANSIENT == 3 && LATCHKEY_E_INTERACTION_REQUIRED == 4 &&
           LATCHKEY_E_INTERNAL == 5);
ABI_FROZEN(LATCHKEY_OPT_STRING == 0 && LATCHKEY_OPT_INT == 1 && LATCHKEY_OPT_BOOL == 2 &&
           LATCHKEY_OPT_DURATION == 3 && LATCHKEY_OPT_LIST == 4);
ABI_FROZEN(LATCHKEY_LOG_DEBUG == 0 && LATCHKEY_LOG_INFO == 1 && LATCHKEY_LOG_WARN == 2 &&
           LATCHKEY_LOG_ERROR == 3);
ABI_FROZEN(sizeof(latchkey_json_type) == 4);
ABI_FROZEN(sizeof(latchkey_time_format) == 4);
ABI_FROZEN(LATCHKEY_JSON_ABSENT == 0 && LATCHKEY_JSON_NULL == 1 && LATCHKEY_JSON_BOOL == 2 &&
           LATCHKEY_JSON_NUMBER == 3 && LATCHKEY_JSON_STRING == 4 && LATCHKEY_JSON_ARRAY == 5 &&
           LATCHKEY_JSON_OBJECT == 6);
ABI_FROZEN(LATCHKEY_TIME_RFC3339 == 0 && LATCHKEY_TIME_HTTP_DATE == 1);
ABI_FROZEN(LATCHKEY_OPTF_REQUIRED == 0x1u && LATCHKEY_OPTF_SECRET == 0x2u &&
           LATCHKEY_OPTF_IDENTITY == 0x4u);

/* The size of each published version: what a plugin of that version fills
 * in as struct_size, and what the host compares it with. */
ABI_FROZEN(LATCHKEY_CREDENTIAL_V1_1_SIZE == 80);
ABI_FROZEN(LATCHKEY_HTTP_REQUEST_V1_0_SIZE == 80);
ABI_FROZEN(LATCHKEY_HTTP_REQUEST_V1_1_SIZE == 104);
ABI_FROZEN(LATCHKEY_HOST_V1_0_SIZE == 248);
ABI_FROZEN(LATCHKEY_HOST_V1_1_SIZE == 288);
ABI_FROZEN(LATCHKEY_HOST_V1_3_SIZE == 424);
ABI_FROZEN(LATCHKEY_PROVIDER_V1_0_SIZE == 80);
ABI_FROZEN(LATCHKEY_PROVIDER_V1_1_SIZE == 96);
ABI_FROZEN(LATCHKEY_STORAGE_V1_0_SIZE == 120);

/* latchkey_option */
ABI_FROZEN(sizeof(latchkey_option) == 32);
ABI_FROZEN(ABI_ALIGNOF(latchkey_option) == 8);
ABI_FROZEN(offsetof(latchkey_option, key) == 0);
ABI_FROZEN(offsetof(latchkey_option, type) == 8);
ABI_FROZEN(offsetof(latchkey_option, flags) == 12);
ABI_FROZEN(offsetof(latchkey_option, default_value) == 16);
ABI_FROZEN(offsetof(latchkey_option, doc) == 24);

/* latchkey_credential */
ABI_FROZEN(sizeof(latchkey_credential) == 80);
ABI_FROZEN(ABI_ALIGNOF(latchkey_credential) == 8);
ABI_FROZEN(offsetof(latchkey_credential, struct_size) == 0);
ABI_FROZEN(offsetof(latchkey_credential, token) == 8);
ABI_FROZEN(offsetof(latchkey_credential, token_type) == 16);
ABI_FROZEN(offsetof(latchkey_credential, refresh_token) == 24);
ABI_FROZEN(offsetof(latchkey_credential, expires_at_ms) == 32);
ABI_FROZEN(offsetof(latchkey_credential, obtained_at_ms) == 40);
ABI_FROZEN(offsetof(latchkey_credential, extra_count) == 48);
ABI_FROZEN(offsetof(latchkey_credential, extra_keys) == 56);
ABI_FROZEN(offsetof(latchkey_credential, extra_values) == 64);
ABI_FROZEN(offsetof(latchkey_credential, header_name) == 72);

/* latchkey_http_request */
ABI_FROZEN(sizeof(latchkey_http_request) == 104);
ABI_FROZEN(ABI_ALIGNOF(latchkey_http_request) == 8);
ABI_FROZEN(offsetof(latchkey_http_request, struct_size) == 0);
ABI_FROZEN(offsetof(latchkey_http_request, method) == 8);
ABI_FROZEN(offsetof(latchkey_http_request, url) == 16);
ABI_FROZEN(offsetof(latchkey_http_request, headers) == 24);
ABI_FROZEN(offsetof(latchkey_http_request, header_count) == 32);
ABI_FROZEN(offsetof(latchkey_http_request, body) == 40);
ABI_FROZEN(offsetof(latchkey_http_request, body_len) == 48);
ABI_FROZEN(offsetof(latchkey_http_request, basic_user) == 56);
ABI_FROZEN(offsetof(latchkey_http_request, basic_password) == 64);
ABI_FROZEN(offsetof(latchkey_http_request, timeout_ms) == 72);
ABI_FROZEN(offsetof(latchkey_http_request, client_cert_file) == 80);
ABI_FROZEN(offsetof(latchkey_http_request, client_key_file) == 88);
ABI_FROZEN(offsetof(latchkey_http_request, client_key_password) == 96);

/* latchkey_host */
ABI_FROZEN(sizeof(latchkey_host) == 424);
ABI_FROZEN(ABI_ALIGNOF(latchkey_host) == 8);
ABI_FROZEN(offsetof(latchkey_host, struct_size) == 0);
ABI_FROZEN(offsetof(latchkey_host, abi_major) == 4);
ABI_FROZEN(offsetof(latchkey_host, abi_minor) == 6);
ABI_FROZEN(offsetof(latchkey_host, ctx) == 8);
ABI_FROZEN(offsetof(latchkey_host, option) == 16);
ABI_FROZEN(offsetof(latchkey_host, option_list_size) == 24);
ABI_FROZEN(offsetof(latchkey_host, option_list_item) == 32);
ABI_FROZEN(offsetof(latchkey_host, site_name) == 40);
ABI_FROZEN(offsetof(latchkey_host, http) == 48);
ABI_FROZEN(offsetof(latchkey_host, http_status) == 56);
ABI_FROZEN(offsetof(latchkey_host, http_body) == 64);
ABI_FROZEN(offsetof(latchkey_host, http_header) == 72);
ABI_FROZEN(offsetof(latchkey_host, http_release) == 80);
ABI_FROZEN(offsetof(latchkey_host, log) == 88);
ABI_FROZEN(offsetof(latchkey_host, add_secret) == 96);
ABI_FROZEN(offsetof(latchkey_host, interactive) == 104);
ABI_FROZEN(offsetof(latchkey_host, notice) == 112);
ABI_FROZEN(offsetof(latchkey_host, prompt) == 120);
ABI_FROZEN(offsetof(latchkey_host, open_url) == 128);
ABI_FROZEN(offsetof(latchkey_host, now_ms) == 136);
ABI_FROZEN(offsetof(latchkey_host, sleep_ms) == 144);
ABI_FROZEN(offsetof(latchkey_host, random_bytes) == 152);
ABI_FROZEN(offsetof(latchkey_host, base64_encode) == 160);
ABI_FROZEN(offsetof(latchkey_host, base64_decode) == 168);
ABI_FROZEN(offsetof(latchkey_host, url_encode) == 176);
ABI_FROZEN(offsetof(latchkey_host, result_token) == 184);
ABI_FROZEN(offsetof(latchkey_host, result_token_type) == 192);
ABI_FROZEN(offsetof(latchkey_host, result_header_name) == 200);
ABI_FROZEN(offsetof(latchkey_host, result_expires_at) == 208);
ABI_FROZEN(offsetof(latchkey_host, result_refresh_token) == 216);
ABI_FROZEN(offsetof(latchkey_host, result_extra) == 224);
ABI_FROZEN(offsetof(latchkey_host, result_error) == 232);
ABI_FROZEN(offsetof(latchkey_host, result_retry_after) == 240);
ABI_FROZEN(offsetof(latchkey_host, sign) == 248);
ABI_FROZEN(offsetof(latchkey_host, cache_get) == 256);
ABI_FROZEN(offsetof(latchkey_host, cache_put) == 264);
ABI_FROZEN(offsetof(latchkey_host, progress) == 272);
ABI_FROZEN(offsetof(latchkey_host, fetch_site) == 280);
/* ABI 1.3 */
ABI_FROZEN(offsetof(latchkey_host, result_message) == 288);
ABI_FROZEN(offsetof(latchkey_host, json_parse) == 296);
ABI_FROZEN(offsetof(latchkey_host, json_release) == 304);
ABI_FROZEN(offsetof(latchkey_host, json_type) == 312);
ABI_FROZEN(offsetof(latchkey_host, json_size) == 320);
ABI_FROZEN(offsetof(latchkey_host, json_string) == 328);
ABI_FROZEN(offsetof(latchkey_host, json_number) == 336);
ABI_FROZEN(offsetof(latchkey_host, json_integer) == 344);
ABI_FROZEN(offsetof(latchkey_host, json_bool) == 352);
ABI_FROZEN(offsetof(latchkey_host, json_key) == 360);
ABI_FROZEN(offsetof(latchkey_host, json_text) == 368);
ABI_FROZEN(offsetof(latchkey_host, json_quote) == 376);
ABI_FROZEN(offsetof(latchkey_host, time_parse) == 384);
ABI_FROZEN(offsetof(latchkey_host, time_format) == 392);
ABI_FROZEN(offsetof(latchkey_host, sign_jwt) == 400);
ABI_FROZEN(offsetof(latchkey_host, http_error) == 408);
ABI_FROZEN(offsetof(latchkey_host, result_extra_json) == 416);

/* latchkey_provider */
ABI_FROZEN(sizeof(latchkey_provider) == 96);
ABI_FROZEN(ABI_ALIGNOF(latchkey_provider) == 8);
ABI_FROZEN(offsetof(latchkey_provider, struct_size) == 0);
ABI_FROZEN(offsetof(latchkey_provider, abi_major) == 4);
ABI_FROZEN(offsetof(latchkey_provider, abi_minor) == 6);
ABI_FROZEN(offsetof(latchkey_provider, name) == 8);
ABI_FROZEN(offsetof(latchkey_provider, version) == 16);
ABI_FROZEN(offsetof(latchkey_provider, description) == 24);
ABI_FROZEN(offsetof(latchkey_provider, options) == 32);
ABI_FROZEN(offsetof(latchkey_provider, create) == 40);
ABI_FROZEN(offsetof(latchkey_provider, acquire) == 48);
ABI_FROZEN(offsetof(latchkey_provider, refresh) == 56);
ABI_FROZEN(offsetof(latchkey_provider, expired) == 64);
ABI_FROZEN(offsetof(latchkey_provider, destroy) == 72);
ABI_FROZEN(offsetof(latchkey_provider, revoke) == 80);
ABI_FROZEN(offsetof(latchkey_provider, whoami) == 88);

/* latchkey_storage_host */
ABI_FROZEN(sizeof(latchkey_storage_host) == 56);
ABI_FROZEN(ABI_ALIGNOF(latchkey_storage_host) == 8);
ABI_FROZEN(offsetof(latchkey_storage_host, struct_size) == 0);
ABI_FROZEN(offsetof(latchkey_storage_host, abi_major) == 4);
ABI_FROZEN(offsetof(latchkey_storage_host, abi_minor) == 6);
ABI_FROZEN(offsetof(latchkey_storage_host, ctx) == 8);
ABI_FROZEN(offsetof(latchkey_storage_host, option) == 16);
ABI_FROZEN(offsetof(latchkey_storage_host, option_list_size) == 24);
ABI_FROZEN(offsetof(latchkey_storage_host, option_list_item) == 32);
ABI_FROZEN(offsetof(latchkey_storage_host, log) == 40);
ABI_FROZEN(offsetof(latchkey_storage_host, now_ms) == 48);

/* latchkey_storage */
ABI_FROZEN(sizeof(latchkey_storage) == 120);
ABI_FROZEN(ABI_ALIGNOF(latchkey_storage) == 8);
ABI_FROZEN(offsetof(latchkey_storage, struct_size) == 0);
ABI_FROZEN(offsetof(latchkey_storage, abi_major) == 4);
ABI_FROZEN(offsetof(latchkey_storage, abi_minor) == 6);
ABI_FROZEN(offsetof(latchkey_storage, name) == 8);
ABI_FROZEN(offsetof(latchkey_storage, version) == 16);
ABI_FROZEN(offsetof(latchkey_storage, description) == 24);
ABI_FROZEN(offsetof(latchkey_storage, options) == 32);
ABI_FROZEN(offsetof(latchkey_storage, open) == 40);
ABI_FROZEN(offsetof(latchkey_storage, load) == 48);
ABI_FROZEN(offsetof(latchkey_storage, save) == 56);
ABI_FROZEN(offsetof(latchkey_storage, erase) == 64);
ABI_FROZEN(offsetof(latchkey_storage, lock) == 72);
ABI_FROZEN(offsetof(latchkey_storage, unlock) == 80);
ABI_FROZEN(offsetof(latchkey_storage, list) == 88);
ABI_FROZEN(offsetof(latchkey_storage, close) == 96);
ABI_FROZEN(offsetof(latchkey_storage, location) == 104);
ABI_FROZEN(offsetof(latchkey_storage, check) == 112);

#endif /* x86_64 Linux */

#endif /* LATCHKEY_TESTS_ABI_LAYOUT_H */
