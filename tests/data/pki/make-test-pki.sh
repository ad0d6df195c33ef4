#!/usr/bin/env bash
# Makes the TEST ONLY public-key infrastructure of the signatures module and signed sample PDFs:
#   anchors/root-ca.pem        "Vanphong TEST Root CA"  (the trust anchor of the tests and of --demo)
#   intermediate-ca.pem        "Vanphong TEST Signing CA", issued by the root
#   signer.pem, signer.key     "Nguyễn Văn A (TEST ONLY)", issued by the intermediate
#   untrusted-root-ca.pem      a second root that is NOT an anchor, and its signer (inside the CMS)
#   sample-signed.pdf          one page, signed adbe.pkcs7.detached by signer.pem (chain in the CMS)
#   sample-signed-cades.pdf    the same, ETSI.CAdES.detached with an ESS signing-certificate-v2
#   sample-tampered.pdf        sample-signed.pdf with one byte of the page text changed
#   sample-appended.pdf        sample-signed.pdf plus an incremental update after the signature
#   sample-untrusted.pdf       signed by a signer under the untrusted root
#   sample-unsigned.pdf        the page without any signature
#   samples.txt                signer subject and CMS signing time of each sample (for the tests)
# The outputs are committed, so tests never run this; run it again only to renew them (the
# certificates last 20 years). Needs openssl (3.x) and python3 (to lay out the PDF bytes).
# NEVER use these keys for anything but tests and the demo: the private keys are public.
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
days=7300

cat > "$work/ca.cnf" <<'CNF'
[req]
distinguished_name = dn
prompt = no
utf8 = yes
string_mask = utf8only
[dn]
CN = placeholder
[root]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[intermediate]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[signer]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = emailProtection, 1.3.6.1.5.5.7.3.36
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
CNF

# name key-file cert-file subject ext [issuer-cert issuer-key]
make_cert() {
  local key=$1 cert=$2 subj=$3 ext=$4 issuer=${5:-} issuer_key=${6:-}
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$key" 2>/dev/null
  if [ -z "$issuer" ]; then
    openssl req -new -x509 -config "$work/ca.cnf" -utf8 -key "$key" -subj "$subj" -days "$days" \
      -sha256 -extensions "$ext" -out "$cert"
  else
    openssl req -new -config "$work/ca.cnf" -utf8 -key "$key" -subj "$subj" -out "$work/req.csr"
    openssl x509 -req -in "$work/req.csr" -CA "$issuer" -CAkey "$issuer_key" -CAcreateserial \
      -days "$days" -sha256 -extfile "$work/ca.cnf" -extensions "$ext" -out "$cert" 2>/dev/null
  fi
}

mkdir -p anchors
make_cert "$work/root.key" anchors/root-ca.pem "/C=VN/O=Vanphong TEST/CN=Vanphong TEST Root CA" root
make_cert "$work/int.key" intermediate-ca.pem "/C=VN/O=Vanphong TEST/CN=Vanphong TEST Signing CA" intermediate \
  anchors/root-ca.pem "$work/root.key"
make_cert signer.key signer.pem "/C=VN/O=Vanphong TEST/OU=TEST ONLY/CN=Nguyễn Văn A (TEST ONLY)" signer \
  intermediate-ca.pem "$work/int.key"
make_cert "$work/untrusted.key" untrusted-root-ca.pem "/C=VN/O=Somebody Else/CN=Untrusted TEST Root CA" root
make_cert "$work/mallory.key" "$work/mallory.pem" "/C=VN/O=Somebody Else/CN=Mallory (TEST ONLY)" signer \
  untrusted-root-ca.pem "$work/untrusted.key"
rm -f ./*.srl anchors/*.srl

# The PDF with a signature placeholder: ByteRange of fixed width and a /Contents hole of zeros.
# Prints the offsets of the hole ('<' and one past '>').
cat > "$work/pdf.py" <<'PY'
import sys
mode, out = sys.argv[1], sys.argv[2]
subfilter = sys.argv[3] if len(sys.argv) > 3 else "adbe.pkcs7.detached"
text = b"BT /F1 16 Tf 72 770 Td (Van phong - tai lieu mau - TEST ONLY) Tj ET"
hole = 16384  # hex digits: an 8 KiB CMS at most
objs = []
objs.append(b"<< /Type /Catalog /Pages 2 0 R" + (b" /AcroForm << /Fields [4 0 R] /SigFlags 3 >>" if mode == "signed" else b"") + b" >>")
objs.append(b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 6 0 R /Resources << /Font << /F1 7 0 R >> >>"
            + (b" /Annots [4 0 R]" if mode == "signed" else b"") + b" >>")
objs.append(b"<< /Type /Annot /Subtype /Widget /FT /Sig /Rect [0 0 0 0] /T (Signature1) /V 5 0 R /P 3 0 R /F 132 >>")
objs.append(b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /" + subfilter.encode() +
            b" /Name (Nguyen Van A TEST ONLY) /M (D:20260213150000+07'00') /Reason (Ban hanh - TEST ONLY)"
            b" /ByteRange [0 0000000000 0000000000 0000000000] /Contents <" + b"0" * hole + b"> >>")
objs.append(b"<< /Length " + str(len(text)).encode() + b" >>\nstream\n" + text + b"\nendstream")
objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
if mode != "signed":
    objs = [o for i, o in enumerate(objs) if i not in (3, 4)]
    # renumber: catalog 1, pages 2, page 3, contents 4, font 5
    objs[2] = objs[2].replace(b"/Contents 6 0 R", b"/Contents 4 0 R").replace(b"/F1 7 0 R", b"/F1 5 0 R")
pdf = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
offsets = []
for i, o in enumerate(objs, 1):
    offsets.append(len(pdf))
    pdf += str(i).encode() + b" 0 obj\n" + o + b"\nendobj\n"
xref = len(pdf)
pdf += b"xref\n0 " + str(len(objs) + 1).encode() + b"\n0000000000 65535 f \n"
for off in offsets:
    pdf += b"%010d 00000 n \n" % off
pdf += b"trailer\n<< /Size " + str(len(objs) + 1).encode() + b" /Root 1 0 R >>\nstartxref\n" + str(xref).encode() + b"\n%%EOF\n"
if mode == "signed":
    lt = pdf.index(b"/Contents <") + len(b"/Contents ")
    gt = lt + 1 + hole + 1
    br = b"[0 %010d %010d %010d]" % (lt, gt, len(pdf) - gt)
    at = pdf.index(b"[0 0000000000 0000000000 0000000000]")
    pdf[at:at + len(br)] = br
    print(lt, gt)
open(out, "wb").write(pdf)
PY

cat > "$work/patch.py" <<'PY'
import sys
pdf_path, sig_path, lt = sys.argv[1], sys.argv[2], int(sys.argv[3])
pdf = bytearray(open(pdf_path, "rb").read())
sig = open(sig_path, "rb").read().hex().encode()
hole = pdf.index(b">", lt) - lt - 1
assert len(sig) <= hole, "signature larger than the placeholder"
pdf[lt + 1:lt + 1 + len(sig)] = sig
open(pdf_path, "wb").write(pdf)
PY

# sign OUT SUBFILTER SIGNER KEY CHAIN [extra cms options]
sign() {
  local out=$1 subfilter=$2 cert=$3 key=$4 chain=$5
  shift 5
  read -r lt gt < <(python3 "$work/pdf.py" signed "$out" "$subfilter")
  size=$(stat -c %s "$out")
  { head -c "$lt" "$out"; tail -c "$((size - gt))" "$out"; } > "$work/signed-bytes"
  openssl cms -sign -binary -in "$work/signed-bytes" -signer "$cert" -inkey "$key" -certfile "$chain" \
    -outform DER -nosmimecap -md sha256 "$@" -out "$work/sig.der"
  python3 "$work/patch.py" "$out" "$work/sig.der" "$lt"
  # The signing time the CMS carries, for the tests.
  local t
  t=$(openssl cms -cmsout -inform DER -in "$work/sig.der" -print | awk '/object: signingTime/{f=1} f && /UTCTIME|GENERALIZEDTIME/{print; exit}' \
      | sed 's/.*TIME://; s/^ *//')
  echo "$out signing_time=$t"
}

: > samples.txt
sign sample-signed.pdf adbe.pkcs7.detached signer.pem signer.key intermediate-ca.pem >> samples.txt
sign sample-signed-cades.pdf ETSI.CAdES.detached signer.pem signer.key intermediate-ca.pem -cades >> samples.txt
sign sample-untrusted.pdf adbe.pkcs7.detached "$work/mallory.pem" "$work/mallory.key" untrusted-root-ca.pem >> samples.txt
openssl x509 -in signer.pem -noout -subject -nameopt RFC2253,-esc_msb | sed 's/^subject=/signer_subject=/' >> samples.txt

# One byte of the page text changed ("mau" -> "mat"): inside the signed bytes.
python3 - <<'PY'
pdf = bytearray(open("sample-signed.pdf", "rb").read())
at = pdf.index(b"tai lieu mau") + len(b"tai lieu ma")
pdf[at] = ord("t")
open("sample-tampered.pdf", "wb").write(pdf)
PY
# An incremental update after the signature: a new page text object and a new xref section.
python3 - <<'PY'
pdf = bytearray(open("sample-signed.pdf", "rb").read())
prev = int(pdf[pdf.rindex(b"startxref") + 10:].split()[0])
text = b"BT /F1 16 Tf 72 700 Td (Noi dung them sau khi ky) Tj ET"
off = len(pdf)
pdf += b"6 0 obj\n<< /Length " + str(len(text)).encode() + b" >>\nstream\n" + text + b"\nendstream\nendobj\n"
xref = len(pdf)
pdf += b"xref\n6 1\n%010d 00000 n \ntrailer\n<< /Size 8 /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (off, prev, xref)
open("sample-appended.pdf", "wb").write(pdf)
PY
python3 "$work/pdf.py" unsigned sample-unsigned.pdf
cat samples.txt
