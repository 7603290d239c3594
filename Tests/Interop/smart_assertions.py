"""Client assertions for the token endpoint tests, made by third-party code: keys from
`cryptography`, JWTs signed by PyJWT (and, for the HS384 forgery, by the standard library's hmac).

usage: smart_assertions.py OUTDIR CLIENT_ID AUDIENCE

Writes OUTDIR/jwks.json (the client's public keys: RSA "rs-1", P-384 "es-1") and
OUTDIR/rs.pem, OUTDIR/es.pem (private keys, PKCS#8), and prints a JSON object of named
assertions on stdout. Each assertion is fresh (its own jti) unless the name says otherwise.
"""
import base64
import hashlib
import hmac
import json
import sys
import time
import uuid

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def main() -> None:
    outdir, client_id, audience = sys.argv[1:4]
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP384R1())
    other_rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    for name, key in (("rs", rsa_key), ("es", ec_key)):
        with open(f"{outdir}/{name}.pem", "wb") as out:
            out.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()))
    rs_jwk = json.loads(RSAAlgorithm.to_jwk(rsa_key.public_key()))
    rs_jwk.update(kid="rs-1", alg="RS384", use="sig")
    es_jwk = json.loads(ECAlgorithm.to_jwk(ec_key.public_key()))
    es_jwk.update(kid="es-1", alg="ES384", use="sig")
    with open(f"{outdir}/jwks.json", "w") as out:
        json.dump({"keys": [rs_jwk, es_jwk]}, out)

    now = int(time.time())

    def claims(**changes):
        base = {"iss": client_id, "sub": client_id, "aud": audience, "exp": now + 240, "iat": now,
                "jti": str(uuid.uuid4())}
        base.update(changes)
        return {k: v for k, v in base.items() if v is not None}

    def signed(key, alg, kid, **changes):
        return jwt.encode(claims(**changes), key, algorithm=alg, headers={"kid": kid, "typ": "JWT"})

    good_rs = signed(rsa_key, "RS384", "rs-1")
    header, payload, signature = good_rs.split(".")
    tampered_claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    tampered_claims["exp"] += 30
    tampered = ".".join([header, b64(json.dumps(tampered_claims).encode()), signature])

    public_pem = rsa_key.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo)
    hs_header = b64(json.dumps({"alg": "HS384", "typ": "JWT", "kid": "rs-1"}).encode())
    hs_payload = b64(json.dumps(claims()).encode())
    hs_mac = hmac.new(public_pem, f"{hs_header}.{hs_payload}".encode(), hashlib.sha384).digest()

    assertions = {
        "good_rs384": good_rs,
        "good_es384": signed(ec_key, "ES384", "es-1"),
        "good_array_aud": signed(rsa_key, "RS384", "rs-1", aud=[audience, "https://elsewhere.example/token"]),
        "expired": signed(rsa_key, "RS384", "rs-1", exp=now - 10, iat=now - 300),
        "exp_too_far": signed(rsa_key, "RS384", "rs-1", exp=now + 3600),
        "future_iat": signed(rsa_key, "RS384", "rs-1", iat=now + 600, exp=now + 290),
        "wrong_aud": signed(rsa_key, "RS384", "rs-1", aud="https://other.example.org/auth/token"),
        "unknown_kid": signed(rsa_key, "RS384", "rs-9"),
        "other_key": signed(other_rsa, "RS384", "rs-1"),
        "ec_key_rs_alg": signed(rsa_key, "RS384", "es-1"),
        "rs256": signed(rsa_key, "RS256", "rs-1"),
        "alg_none": jwt.encode(claims(), None, algorithm="none", headers={"kid": "rs-1", "typ": "JWT"}),
        "hs384_public_key": f"{hs_header}.{hs_payload}.{b64(hs_mac)}",
        "tampered": tampered,
        "no_jti": signed(rsa_key, "RS384", "rs-1", jti=None),
        "iss_not_sub": signed(rsa_key, "RS384", "rs-1", sub="someone-else"),
        "unknown_client": signed(rsa_key, "RS384", "rs-1", iss="stranger", sub="stranger"),
    }
    print(json.dumps(assertions))


if __name__ == "__main__":
    main()
