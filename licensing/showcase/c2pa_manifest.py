"""Optional C2PA manifest for twin images (c2pa-python, works offline).

Signing needs an X.509 chain and key (SHOWCASE_C2PA_CERT / SHOWCASE_C2PA_KEY). `make_test_chain`
creates a throwaway CA + end-entity pair for development: manifests signed with it validate
structurally but report `signingCredential.untrusted`, as they should, until a certificate from a
C2PA-trusted CA is configured. No timestamp authority is used, so nothing goes over the network.
"""
from __future__ import annotations

import datetime
import io
import json
from functools import lru_cache
from pathlib import Path

from .renderer import DIGITAL_SOURCE_TYPE, RENDERER_NAME, RENDERER_VERSION


@lru_cache(maxsize=2)
def _signer(cert_path: str, key_path: str):
    import c2pa

    info = c2pa.C2paSignerInfo(alg=b"es256", sign_cert=Path(cert_path).read_bytes(),
                               private_key=Path(key_path).read_bytes(), ta_url=None)
    return c2pa.Signer.from_info(info)


def manifest_for(provenance: dict[str, str]) -> dict:
    return {
        "claim_generator_info": [{"name": provenance.get("renderer", RENDERER_NAME),
                                  "version": provenance.get("renderer_version", RENDERER_VERSION)}],
        "title": f"twin-{provenance.get('twin', '')}-{provenance.get('product', '')}.png",
        "format": "image/png",
        "assertions": [
            {"label": "c2pa.actions", "data": {"actions": [{
                "action": "c2pa.created",
                "digitalSourceType": provenance.get("digitalSourceType", DIGITAL_SOURCE_TYPE),
                "softwareAgent": {"name": provenance.get("renderer", RENDERER_NAME),
                                  "version": provenance.get("renderer_version", RENDERER_VERSION)},
            }]}},
            {"label": "com.twinshop.licence", "data": {
                k: provenance[k] for k in ("twin", "twin_id", "talent", "grant_id", "royalty_event_id", "channel",
                                           "label", "licensed_at", "model_licence") if k in provenance}},
        ],
    }


def sign_png(png: bytes, provenance: dict[str, str], *, cert_path: str, key_path: str) -> bytes:
    import c2pa

    builder = c2pa.Builder(json.dumps(manifest_for(provenance)))
    out = io.BytesIO()
    builder.sign(_signer(cert_path, key_path), "image/png", io.BytesIO(png), out)
    return out.getvalue()


def read_manifest(png: bytes) -> dict:
    import c2pa

    return json.loads(c2pa.Reader("image/png", io.BytesIO(png)).json())


def make_test_chain(directory: Path) -> tuple[Path, Path]:
    """A development CA and an ES256 signing certificate (EKU emailProtection), as PEM files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.UTC)

    def name(cn: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn),
                          x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Twinshop development")])

    def usage(*, sign_certs: bool) -> x509.KeyUsage:
        return x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                             data_encipherment=False, key_agreement=False, key_cert_sign=sign_certs,
                             crl_sign=sign_certs, encipher_only=False, decipher_only=False)

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(name("Twinshop Development CA")).issuer_name(name("Twinshop Development CA"))
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=365))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(usage(sign_certs=True), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(name("Twinshop Showcase Renderer")).issuer_name(ca.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=90))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(usage(sign_certs=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    directory.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = directory / "c2pa-chain.pem", directory / "c2pa-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM) + ca.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    return cert_path, key_path
