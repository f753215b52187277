// Shim over the system OpenSSL 3 libcrypto. Function-like macros are not imported into Swift, so the
// few we need are re-exposed here as static inline functions, together with the passphrase callback.
// Only OutpostTLS imports this module, and only with `internal import` in files that do not import
// CNIOBoringSSL (see swift-notes.md: look-alike symbols would bind to the wrong library).
#ifndef OUTPOST_COPENSSL_SHIM_H
#define OUTPOST_COPENSSL_SHIM_H

#include <string.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/pkcs12.h>

static inline long outpost_BIO_get_mem_data(BIO *bio, char **data) {
    return BIO_get_mem_data(bio, data);
}

static inline void outpost_OPENSSL_free(void *pointer) {
    OPENSSL_free(pointer);
}

/// The passphrase handed to OpenSSL through the callback's user pointer. `data` may be NULL: then
/// the callback refuses, so OpenSSL never falls back to prompting on the terminal.
typedef struct outpost_passphrase {
    const char *data;
    int length;
    int calls;
} outpost_passphrase;

/// A `pem_password_cb`. Returns the passphrase length, or -1 when there is none or it does not fit.
static inline int outpost_passphrase_callback(char *buffer, int size, int rwflag, void *user) {
    (void)rwflag;
    outpost_passphrase *passphrase = (outpost_passphrase *)user;
    if (passphrase == NULL) return -1;
    passphrase->calls += 1;
    if (passphrase->data == NULL || passphrase->length <= 0 || passphrase->length > size) return -1;
    memcpy(buffer, passphrase->data, (size_t)passphrase->length);
    return passphrase->length;
}

/// The callback as a plain function pointer, so Swift need not form one from an inline function.
static inline pem_password_cb *outpost_passphrase_callback_pointer(void) {
    return outpost_passphrase_callback;
}

#endif
