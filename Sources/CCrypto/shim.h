#ifndef IOP_CCRYPTO_SHIM_H
#define IOP_CCRYPTO_SHIM_H

/* OpenSSL's libcrypto (Debian's libssl-dev): hashes, constant-time comparison, random bytes, and
 * JWS signing (PEM private keys, EVP_DigestSign, ECDSA_SIG for ES384's raw r||s). Imported only
 * by GatewayCrypto, so no OpenSSL type appears in a public API; we never write cryptography. */
#include <openssl/evp.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/ecdsa.h>
#include <openssl/bn.h>
#include <openssl/err.h>

#endif
