"""pyHanko's side of the interoperability test (tests/it/signing.rs): identities made here,
PDFs signed and extended by pyHanko (PAdES B-B, B-T, B-LT, B-LTA), and pyHanko's verdict on
each signature of a file, as one JSON line. Nothing here is kept: keys are made per run.

    python pades.py identity OUT.p12 NAME rsa|ec|ec384 PASSWORD
    python pades.py sign IN.pdf OUT.pdf ID.p12 PASSWORD FIELD LEVEL [MD]   (writes tsa.pem)
    python pades.py validate FILE.pdf ANCHOR.pem|ANCHOR.der...   (with the file's DSS, if any)
"""
import sys, json, datetime
from cryptography import x509
from cryptography.x509.oid import NameOID, ExtendedKeyUsageOID
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa, ec
from cryptography.hazmat.primitives.serialization import pkcs12

def make_cert(name, key, *, ku=True, tsa=False, days_from=-1, days_to=365):
    now = datetime.datetime.now(datetime.timezone.utc)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    b = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
         .public_key(key.public_key()).serial_number(x509.random_serial_number())
         .not_valid_before(now + datetime.timedelta(days=days_from))
         .not_valid_after(now + datetime.timedelta(days=days_to)))
    if ku:
        b = b.add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
            key_encipherment=False, data_encipherment=False, key_agreement=False,
            key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
    if tsa:
        b = b.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    return b.sign(key, hashes.SHA256())

def new_key(kind):
    if kind == 'rsa':
        return rsa.generate_private_key(65537, 2048)
    return ec.generate_private_key(ec.SECP384R1() if kind == 'ec384' else ec.SECP256R1())

def identity(path, name, kind, password, **kw):
    key = new_key(kind)
    cert = make_cert(name, key, **kw)
    data = pkcs12.serialize_key_and_certificates(b'id', key, cert, None,
        serialization.BestAvailableEncryption(password.encode()))
    open(path, 'wb').write(data)
    open(path + '.pem', 'wb').write(cert.public_bytes(serialization.Encoding.PEM))

def _signer(p12, password):
    from pyhanko.sign import signers
    return signers.SimpleSigner.load_pkcs12(p12, passphrase=password.encode())

def _tsa():
    """A time-stamping authority of its own, its certificate written to tsa.pem."""
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
    from asn1crypto import x509 as ax, keys as ak
    key = rsa.generate_private_key(65537, 2048)
    cert = make_cert('Test TSA', key, ku=False, tsa=True)
    open('tsa.pem', 'wb').write(cert.public_bytes(serialization.Encoding.PEM))
    return DummyTimeStamper(
        tsa_cert=ax.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=ak.PrivateKeyInfo.load(key.private_bytes(serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8, serialization.NoEncryption())))

def sign(src, dst, p12, password, field, level, md='sha256'):
    """level: B-B, B-T, B-LT, B-LTA; md: the digest algorithm"""
    from pyhanko.sign import signers, fields
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.validation.dss import DocumentSecurityStore
    signer = _signer(p12, password)
    tsa = _tsa() if level != 'B-B' else None
    meta = signers.PdfSignatureMetadata(field_name=field, subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm=md)
    with open(src, 'rb') as f:
        w = IncrementalPdfFileWriter(f, strict=False)
        out = signers.PdfSigner(meta, signer=signer, timestamper=tsa).sign_pdf(w)
    data = out.getvalue()
    if level in ('B-LT', 'B-LTA'):
        import io
        from pyhanko.pdf_utils.reader import PdfFileReader
        r = PdfFileReader(io.BytesIO(data), strict=False)
        sig = r.embedded_signatures[-1]
        buf = io.BytesIO(data)
        DocumentSecurityStore.add_dss(buf, sig.sig_object['/Contents'], certs=[signer.signing_cert])
        data = buf.getvalue()
    if level == 'B-LTA':
        import io
        w = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        out = signers.PdfTimeStamper(tsa).timestamp_pdf(w, 'sha256')
        data = out.getvalue()
    open(dst, 'wb').write(data)

def validate(path, *anchors):
    """Prints one JSON line per signature: pyHanko's verdict."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
    from pyhanko_certvalidator import ValidationContext
    from asn1crypto import x509 as ax, pem
    roots = []
    for a in anchors:
        raw = open(a, 'rb').read()
        if pem.detect(raw):
            _, _, raw = pem.unarmor(raw)
        roots.append(ax.Certificate.load(raw))
    vc = ValidationContext(trust_roots=roots, allow_fetching=False)
    out = []
    with open(path, 'rb') as f:
        try:
            r = PdfFileReader(f, strict=False)
            signatures = r.embedded_signatures
            if '/DSS' in r.root:
                # The validation data kept in the file (B-LT): its CRLs and OCSP responses
                # are checked, as an archivist's validator would.
                from pyhanko.sign.validation.dss import DocumentSecurityStore
                vc = DocumentSecurityStore.read_dss(r).as_validation_context(
                    {'trust_roots': roots, 'allow_fetching': False})
        except Exception as e:
            print(json.dumps([{'error': repr(e), 'ok': False}]))
            return
        for sig in signatures:
            try:
                if sig.sig_object_type == '/DocTimeStamp':
                    st = validate_pdf_timestamp(sig, validation_context=vc)
                else:
                    st = validate_pdf_signature(sig, vc)
                modification = str(getattr(st, 'modification_level', None))
                out.append({'field': sig.field_name, 'intact': st.intact, 'valid': st.valid,
                    'trusted': st.trusted, 'coverage': str(st.coverage),
                    'modification': modification,
                    'ok': bool(st.intact and st.valid and st.trusted
                               and not modification.endswith('OTHER'))})
            except Exception as e:
                out.append({'field': sig.field_name, 'error': repr(e), 'ok': False})
    print(json.dumps(out, ensure_ascii=False))

if __name__ == '__main__':
    cmd = sys.argv[1]
    if cmd == 'identity':
        _, _, path, name, kind, password = sys.argv[:6]
        opts = dict(a.split('=') for a in sys.argv[6:])
        identity(path, name, kind, password, ku=opts.get('ku', '1') == '1',
                 days_from=int(opts.get('from', '-1')), days_to=int(opts.get('to', '365')))
    elif cmd == 'sign':
        sign(*sys.argv[2:9])
    elif cmd == 'validate':
        validate(*sys.argv[2:])
