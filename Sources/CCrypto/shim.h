#ifndef IOP_CCRYPTO_SHIM_H
#define IOP_CCRYPTO_SHIM_H

/* OpenSSL's libcrypto (Debian's libssl-dev): hashes, constant-time comparison, random bytes, and
 * JWS signing and verification (PEM private keys, JWK public keys through OSSL_PARAM_BLD and
 * EVP_PKEY_fromdata, EVP_DigestSign/Verify, ECDSA_SIG for ES384's raw r||s). Imported only
 * by GatewayCrypto, so no OpenSSL type appears in a public API; we never write cryptography. */
#include <openssl/evp.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/ecdsa.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/core_names.h>

/* EVP_PKEY_PUBLIC_KEY is a macro of macros, which Swift does not import: the selection that
 * EVP_PKEY_fromdata needs to build a public key from a JWK's numbers. */
static inline int iop_evp_pkey_public_key_selection(void) { return EVP_PKEY_PUBLIC_KEY; }

#endif
