"""A private certificate authority and a server certificate for ``wcsync sandbox serve --tls``.

``ensure_certificates(directory, hosts)`` writes ``ca.pem`` (the certificate to trust: ``curl --cacert``,
``verify=`` in httpx, ``ca_bundle`` in wcsync), ``cert.pem`` + ``key.pem`` (the server's, signed by that CA,
valid for ``localhost``, ``127.0.0.1`` and ``::1`` plus any other host asked for). Existing files are reused
while they are valid and cover the hosts, so a trusted ``ca.pem`` keeps working across restarts. Keys are
EC P-256 (fast to generate) and readable by the owner only.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no lock, generation is then only safe one server at a time
    fcntl = None  # type: ignore[assignment]
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DEFAULT_HOSTS = ("localhost", "127.0.0.1", "::1")
_VALIDITY = dt.timedelta(days=825)


@dataclass(frozen=True)
class TlsFiles:
    """Paths of the generated files."""

    ca_path: Path
    cert_path: Path
    key_path: Path


def ensure_certificates(directory: str | Path, hosts: tuple[str, ...] | list[str] = ()) -> TlsFiles:
    """Return usable certificate files in ``directory``, generating them when missing, expired or not
    covering every host in ``hosts``."""
    folder = Path(directory)
    files = TlsFiles(folder / "ca.pem", folder / "cert.pem", folder / "key.pem")
    wanted = list(dict.fromkeys([*DEFAULT_HOSTS, *hosts]))
    if _still_valid(files, wanted):
        return files
    folder.mkdir(parents=True, exist_ok=True)
    # two servers starting at once must not mix one's CA with the other's certificate
    with open(folder / ".lock", "a") as lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)
        if not _still_valid(files, wanted):
            _generate(files, wanted)
    return files


def _generate(files: TlsFiles, wanted: list[str]) -> None:
    now = dt.datetime.now(dt.UTC)

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "wcsync sandbox local CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + _VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, wanted[0])]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + _VALIDITY)
        .add_extension(x509.SubjectAlternativeName([_general_name(h) for h in wanted]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )

    _write(files.ca_path, ca_cert.public_bytes(serialization.Encoding.PEM))
    _write(files.cert_path, cert.public_bytes(serialization.Encoding.PEM))
    pem_key = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    _write(files.key_path, pem_key, private=True)


def _general_name(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


def _write(path: Path, data: bytes, *, private: bool = False) -> None:
    # written next to the target and renamed, so a second server starting at the same time never reads half
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def _still_valid(files: TlsFiles, hosts: list[str]) -> bool:
    if not (files.ca_path.is_file() and files.cert_path.is_file() and files.key_path.is_file()):
        return False
    try:
        cert = x509.load_pem_x509_certificate(files.cert_path.read_bytes())
        ca = x509.load_pem_x509_certificate(files.ca_path.read_bytes())
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (ValueError, x509.ExtensionNotFound):
        return False
    now = dt.datetime.now(dt.UTC)
    if cert.not_valid_after_utc < now + dt.timedelta(days=1) or cert.issuer != ca.subject:
        return False
    covered = {str(ip) for ip in names.get_values_for_type(x509.IPAddress)}
    covered |= set(names.get_values_for_type(x509.DNSName))
    return all(str(_normalise(h)) in covered for h in hosts)


def _normalise(host: str) -> str:
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host
