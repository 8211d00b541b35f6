#!/usr/bin/python3
"""Reports which S3 behaviours the gateway that `start` brought up has:
conditional PUT (If-None-Match / If-Match, also two racing writers),
whether Content-MD5, x-amz-checksum-* and the signed payload hash are
verified, aws-chunked uploads with a checksum trailer, and multipart uploads
(with If-None-Match on completion, list and abort). A manual check, not a
test: it prints one line per request with the HTTP status and S3 error code
seen, and asserts nothing. Needs Debian's python3-botocore (for SigV4).

    /usr/bin/python3 s3-probe.py DIR/s3.env
"""
import base64, hashlib, http.client, os, sys, threading, time, uuid, zlib
import xml.etree.ElementTree as ET
from urllib.parse import quote, urlparse
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

env = dict(l.strip().split("=", 1) for l in open(sys.argv[1]) if "=" in l)
EP = env["S3_ENDPOINT"]; U = urlparse(EP)
CRED = Credentials(env["S3_ACCESS_KEY"], env["S3_SECRET_KEY"])
REGION = env["S3_REGION"]

def req(method, path, body=b"", headers=None, query="", region=None, payload_hash=None):
    url = EP + quote(path) + (("?" + query) if query else "")
    h = dict(headers or {})
    r = AWSRequest(method=method, url=url, data=body, headers=h)
    auth = S3SigV4Auth(CRED, "s3", region or REGION)
    if payload_hash:  # sign and send this value instead of the body's hash
        auth.payload = lambda _r: payload_hash
    auth.add_auth(r)
    c = http.client.HTTPConnection(U.hostname, U.port, timeout=60)
    c.request(method, r.url[len(EP):], body=body, headers=dict(r.headers.items()))
    resp = c.getresponse(); data = resp.read(); c.close()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data

def code(data):
    try:
        return ET.fromstring(data).findtext("Code") or ""
    except Exception:
        return ""

def show(name, st, data=b"", extra=""):
    print(f"{name}: HTTP {st} {code(data)} {extra}".rstrip(), flush=True)

def crc32c(b):
    # software CRC32C (Castagnoli), reflected poly 0x82F63B78
    crc = 0xFFFFFFFF
    for x in b:
        crc ^= x
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 & -(crc & 1))
    return (crc ^ 0xFFFFFFFF).to_bytes(4, "big")

B = "/probe-" + uuid.uuid4().hex[:8]
st, h, d = req("PUT", B); show("CreateBucket (path-style) " + B, st, d)
st, h, d = req("PUT", B + "/k1", b"hello"); show("PutObject new key", st, d)
st, h, d = req("GET", B + "/k1"); show("GetObject", st, d, f"body={d!r}")
for reg in ("us-east-1", "eu-west-9"):
    st, h, d = req("GET", B + "/k1", region=reg); show(f"GetObject signed with region {reg}", st, d)

# If-None-Match: *
st, h, d = req("PUT", B + "/k1", b"other", {"If-None-Match": "*"}); show("PutObject If-None-Match:* existing key", st, d)
st, h, d = req("GET", B + "/k1"); show("  existing key body after refused put", st, d, f"body={d!r}")
st, h, d = req("PUT", B + "/k2", b"new", {"If-None-Match": "*"}); show("PutObject If-None-Match:* new key", st, d)
big = os.urandom(16 << 20)
st, h, d = req("PUT", B + "/k1", big, {"If-None-Match": "*"}); show("PutObject 16MiB If-None-Match:* existing key", st, d)
st, h, d = req("PUT", B + "/kbig", big, {"If-None-Match": "*"}); show("PutObject 16MiB If-None-Match:* new key", st, d)
st, h, d = req("PUT", B + "/kbig", big, {"If-None-Match": "*"}); show("PutObject 16MiB If-None-Match:* same key again", st, d)
st, h, d = req("PUT", B + "/k2", b"x", {"If-None-Match": '"deadbeef"'}); show("PutObject If-None-Match:<other etag> existing key", st, d)
etag = req("HEAD", B + "/k2")[1].get("etag"); print("  etag of k2:", etag)
st, h, d = req("PUT", B + "/k2", b"x", {"If-Match": etag}); show("PutObject If-Match:<current etag, quoted as sent>", st, d)
st, h, d = req("PUT", B + "/k2", b"x2", {"If-Match": etag.strip('"')}); show("PutObject If-Match:<current etag, unquoted>", st, d)
st, h, d = req("PUT", B + "/k2", b"y", {"If-Match": etag.strip('"')}); show("PutObject If-Match:<stale etag, unquoted>", st, d)
st, h, d = req("PUT", B + "/k9", b"y", {"If-Match": etag}); show("PutObject If-Match on missing key", st, d)
st, h, d = req("DELETE", B + "/k2"); show("DeleteObject", st, d)
st, h, d = req("PUT", B + "/k2", b"again", {"If-None-Match": "*"}); show("PutObject If-None-Match:* after delete", st, d)

# concurrent conditional PUTs
def race(size, rounds):
    tally = {}
    bad = 0
    for i in range(rounds):
        key = f"{B}/race-{size}-{i}"
        bodies = [os.urandom(size) for _ in range(2)]
        res = [None, None]
        bar = threading.Barrier(2)
        def w(j):
            bar.wait()
            res[j] = req("PUT", key, bodies[j], {"If-None-Match": "*"})[0]
        ts = [threading.Thread(target=w, args=(j,)) for j in range(2)]
        [t.start() for t in ts]; [t.join() for t in ts]
        got = req("GET", key)[2]
        winners = [j for j in range(2) if res[j] == 200]
        ok = len(winners) == 1 and got == bodies[winners[0]]
        bad += not ok
        k = tuple(sorted(res)); tally[k] = tally.get(k, 0) + 1
    print(f"concurrent If-None-Match:* PUT pairs, {size} B bodies, {rounds} rounds: outcomes {tally}, rounds not exactly-one-winner-with-its-body: {bad}", flush=True)
race(1024, 30)
race(8 << 20, 10)

# checksums
body = b"checksum test body"
good_md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
bad_md5 = base64.b64encode(hashlib.md5(b"x").digest()).decode()
good_c = base64.b64encode(crc32c(body)).decode()
good_s = base64.b64encode(hashlib.sha256(body).digest()).decode()
bad_s = base64.b64encode(hashlib.sha256(b"x").digest()).decode()
for name, hdrs in [("Content-MD5 right", {"Content-MD5": good_md5}),
                   ("Content-MD5 wrong", {"Content-MD5": bad_md5}),
                   ("x-amz-checksum-crc32c right", {"x-amz-checksum-crc32c": good_c}),
                   ("x-amz-checksum-crc32c wrong", {"x-amz-checksum-crc32c": "AAAAAA=="}),
                   ("x-amz-checksum-sha256 right", {"x-amz-checksum-sha256": good_s}),
                   ("x-amz-checksum-sha256 wrong", {"x-amz-checksum-sha256": bad_s}),
                   ("x-amz-checksum-crc32c wrong + x-amz-sdk-checksum-algorithm", {"x-amz-checksum-crc32c": "AAAAAA==", "x-amz-sdk-checksum-algorithm": "CRC32C"})]:
    st, h, d = req("PUT", B + "/ck", body, hdrs)
    echoed = {k: v for k, v in h.items() if k.lower().startswith("x-amz-checksum")}
    show("PutObject " + name, st, d, f"checksum headers echoed: {echoed}" if echoed else "")
st, h, d = req("HEAD", B + "/ck", headers={"x-amz-checksum-mode": "ENABLED"})
print("HeadObject x-amz-checksum-mode: ENABLED ->", {k: v for k, v in h.items() if 'checksum' in k.lower()})
st, h, d = req("PUT", B + "/ck2", body, payload_hash=hashlib.sha256(b"x").hexdigest())
show("PutObject wrong x-amz-content-sha256 (signed payload)", st, d, f"stored body intact: {req('GET', B + '/ck2')[2] == body}")
st, h, d = req("PUT", B + "/ck3", body, payload_hash="UNSIGNED-PAYLOAD")
show("PutObject x-amz-content-sha256: UNSIGNED-PAYLOAD", st, d)
data = b"trailer body" * 100
crc = base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()
chunked = f"{len(data):x}\r\n".encode() + data + f"\r\n0\r\nx-amz-checksum-crc32:{crc}\r\n\r\n".encode()
st, h, d = req("PUT", B + "/ck4", chunked, {"Content-Encoding": "aws-chunked",
               "x-amz-decoded-content-length": str(len(data)), "x-amz-trailer": "x-amz-checksum-crc32"},
               payload_hash="STREAMING-UNSIGNED-PAYLOAD-TRAILER")
show("PutObject STREAMING-UNSIGNED-PAYLOAD-TRAILER (aws-chunked, crc32 trailer)", st, d)

# multipart
def mpu_create(key, hdrs=None):
    st, h, d = req("POST", key, headers=hdrs, query="uploads=")
    return st, ET.fromstring(d).findtext("{*}UploadId") if st == 200 else None, d
def mpu_part(key, uid, n, data, hdrs=None):
    st, h, d = req("PUT", key, data, hdrs, query=f"partNumber={n}&uploadId={quote(uid)}")
    return st, h.get("etag"), d
def mpu_complete(key, uid, etags, hdrs=None):
    x = "<CompleteMultipartUpload>" + "".join(
        f"<Part><PartNumber>{i+1}</PartNumber><ETag>{e}</ETag></Part>" for i, e in enumerate(etags)) + "</CompleteMultipartUpload>"
    return req("POST", key, x.encode(), hdrs, query=f"uploadId={quote(uid)}")

p1, p2 = os.urandom(5 << 20), os.urandom(1 << 20)
st, uid, d = mpu_create(B + "/mp1"); show("CreateMultipartUpload", st, d)
st, e1, d = mpu_part(B + "/mp1", uid, 1, p1); show("UploadPart 1 (5 MiB)", st, d, f"etag {e1}")
st, e2, d = mpu_part(B + "/mp1", uid, 2, p2); show("UploadPart 2 (1 MiB)", st, d, f"etag {e2}")
st, h, d = req("GET", B, query="uploads="); show("ListMultipartUploads", st, d, f"uploads listed: {d.count(b'<Upload>')}")
st, h, d = req("GET", B + "/mp1", query=f"uploadId={quote(uid)}"); show("ListParts", st, d, f"parts: {d.count(b'<Part>')}")
st, h, d = mpu_complete(B + "/mp1", uid, [e1, e2]); show("CompleteMultipartUpload new key", st, d)
st, h, d = req("GET", B + "/mp1"); show("  GetObject of completed upload", st, b"", f"content matches: {d == p1 + p2}, ETag {h.get('etag')}")

st, uid, d = mpu_create(B + "/mpx")
st, h, d = mpu_part(B + "/mpx", uid, 1, p2, {"Content-MD5": bad_md5}); show("UploadPart with wrong Content-MD5", st, d)
st, h, d = mpu_part(B + "/mpx", uid, 1, p2, {"x-amz-checksum-crc32c": "AAAAAA=="}); show("UploadPart with wrong x-amz-checksum-crc32c", st, d)
req("DELETE", B + "/mpx", query=f"uploadId={quote(uid)}")

for target in ("/mp1", "/k1"):
    q1, q2 = os.urandom(5 << 20), os.urandom(1 << 20)
    body = q1 + q2 if target == "/mp1" else q2
    st, uid, d = mpu_create(B + target)
    etags = [mpu_part(B + target, uid, 1, q1)[1], mpu_part(B + target, uid, 2, q2)[1]] if target == "/mp1" else [mpu_part(B + target, uid, 1, q2)[1]]
    before = req("GET", B + target)[2]
    st, h, d = mpu_complete(B + target, uid, etags, {"If-None-Match": "*"}); show(f"CompleteMultipartUpload If-None-Match:* on existing key {target}", st, d)
    after = req("GET", B + target)[2]
    print(f"  {target} afterwards: unchanged={after == before}, replaced by the upload={after == body and before != body}")
st, uid, d = mpu_create(B + "/mp-new")
e1 = mpu_part(B + "/mp-new", uid, 1, p2)[1]
st, h, d = mpu_complete(B + "/mp-new", uid, [e1], {"If-None-Match": "*"}); show("CompleteMultipartUpload If-None-Match:* on new key", st, d)
st, uid, d = mpu_create(B + "/k2", {"If-None-Match": "*"}); show("CreateMultipartUpload If-None-Match:* on existing key", st, d)
if uid: req("DELETE", B + "/k2", query=f"uploadId={quote(uid)}")

st, uid, d = mpu_create(B + "/mp-abort")
mpu_part(B + "/mp-abort", uid, 1, p2)
st, h, d = req("GET", B, query="uploads="); show("ListMultipartUploads before abort", st, d, f"uploads: {d.count(b'<Upload>')}")
st, h, d = req("DELETE", B + "/mp-abort", query=f"uploadId={quote(uid)}"); show("AbortMultipartUpload", st, d)
st, h, d = req("GET", B, query="uploads="); show("ListMultipartUploads after abort", st, d, f"uploads: {d.count(b'<Upload>')}")
st, h, d = req("GET", B + "/mp-abort", query=f"uploadId={quote(uid)}"); show("ListParts after abort", st, d)
st, h, d = req("GET", B, query="list-type=2&prefix=race-1024-1"); show("ListObjectsV2 prefix", st, d, f"keys: {d.count(b'<Key>')}")
