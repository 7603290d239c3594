// libFuzzer entry for what the token endpoint does with an assertion before it trusts it:
// CompactJWS splitting and base64url decoding, the header and claims as JSON, signature
// verification against fixed RSA and P-384 public keys (the fuzzer cannot forge a signature, so
// a verification that succeeds is a finding), and JWK Set parsing of the same bytes.
// Built by ../../run-fuzz.sh.
import Foundation
import GatewayCrypto

/// Public keys from fixed JWK numbers (an RSA-2048 and a P-384 key made for this harness by
/// Python's `cryptography`; only the public halves exist).
let keys: JSONWebKeySet = {
    let jwks = #"""
        {"keys": [
         {"kty": "RSA", "n": "suzx-GVuCc934jOanA7xALCbGvn_sKiG7iL1iGgpITpkVPd4xKV0LKqkknSm0jJtu01fxyx3mT1eO6IFNZvcVCgW1ED0Tcx8qMHqNkMrESgN6hIR3SfcvbJGuRIkvv7fWBMGJHd9f1g2qV6xcXKG39N9x12XLaLd0Z--kyWwJzIxB1MZxRpvfc7zBXVD5DI1V0XsihPItNJrD_q2_l3X_IeNv7sKkhuqMCKhT7qS9Iru4t1T4ObNeCEG1c5v6mDxrwwbPDz5MVEa8_YcKjMp8iZhy9JtdHqpr7nUbwFuGlCUkcQx80W09PomB_Yy-pTv7u7o6UGwyhf1THejTRAKdQ", "e": "AQAB", "kid": "r", "alg": "RS384"}, 
         {"kty": "EC", "crv": "P-384", "x": "TUF3mO0v_PskKFStzumbgr5ZymptVeYalNkNwEIv1M3oMaXwUBr9jSPgXSvdOduF", "y": "z4hBd6go4ZEKX6nmd4b5xtTW5VFaAf8moTWInkIQN5de1X7jDOHp3lxeo-iM1P2x", "kid": "e", "alg": "ES384"}]}
        """#
    do {
        return try JSONWebKeySet(json: Data(jwks.utf8))
    } catch {
        fatalError("the harness's keys do not load: \(error)")
    }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard count <= 16 << 10 else { return 0 }
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    _ = try? JSONWebKeySet(json: Data(bytes))
    let text = String(decoding: bytes, as: UTF8.self)
    guard let jws = CompactJWS(text, maximumBytes: 16 << 10) else { return 0 }
    _ = try? JSONSerialization.jsonObject(with: Data(jws.header))
    _ = try? JSONSerialization.jsonObject(with: Data(jws.payload))
    for key in keys.keys {
        precondition(!key.verifies(jws.signature, of: jws.signingInput), "a fuzzed signature verified")
    }
    return 0
}
