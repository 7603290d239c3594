#ifndef IOP_CCRYPTO_SHIM_H
#define IOP_CCRYPTO_SHIM_H

/* OpenSSL's libcrypto (Debian's libssl-dev): hashes and constant-time comparison. Imported only
 * by GatewayCrypto, so no OpenSSL type appears in a public API; we never write cryptography. */
#include <openssl/evp.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#endif
