# A throw-away S3 bucket for the benchmarks: a single-node Ceph RADOS Gateway on loopback
# (receiver/src/test/rgw/start, memstore OSD) and what a receiver's bucket server needs of it.
# Sourced by benchmarks/rss/run and benchmarks/store/run, after they define root and die.

rgw_dir= rgw_python=/usr/bin/python3

# rgw_require: the tools are there, or one line saying what to install.
rgw_require() {
  local bin
  for bin in radosgw ceph-mon ceph-osd curl; do
    command -v "$bin" >/dev/null || die "$bin not found; apt-get install radosgw ceph-mon ceph-osd curl"
  done
  "$rgw_python" -c 'import boto3' 2>/dev/null || die "$rgw_python cannot import boto3; apt-get install python3-boto3"
}

# rgw_start DIR BUCKET: the gateway's cluster in DIR (fresh), its keys in S3_* and BUCKET made.
rgw_start() {
  rgw_dir=$1
  "$root/receiver/src/test/rgw/start" "$rgw_dir" > "$rgw_dir.log" 2>&1 \
    || die "the RADOS Gateway did not start: $(grep -m1 '^rgw/start:' "$rgw_dir.log" || tail -n 1 "$rgw_dir.log")"
  . "$rgw_dir/s3.env"
  "$rgw_python" "$root/benchmarks/lib/bucket.py" "$rgw_dir/s3.env" create "$2" > "$rgw_dir.bucket.log" 2>&1 \
    || die "creating bucket $2 failed: $(tail -n 1 "$rgw_dir.bucket.log")"
}

# rgw_stop: ends the daemons (from the cleanup trap; quiet, never fails).
rgw_stop() {
  [ -n "$rgw_dir" ] && "$root/receiver/src/test/rgw/stop" "$rgw_dir" >/dev/null 2>&1 || true
  rgw_dir=
}

# rgw_pids: the pids of the gateway, the OSD and the monitor, one a line.
rgw_pids() {
  local name
  for name in client.rgw osd.0 mon.a; do cat "$rgw_dir/run/$name.pid"; done
}

# bucket_credentials FILE: the keys as an AWS credentials file, mode 0600 as the receiver demands.
bucket_credentials() {
  (umask 077; printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n' \
    "$S3_ACCESS_KEY" "$S3_SECRET_KEY" > "$1")
}

# bucket_section BUCKET PREFIX CREDENTIALS TEMP_DIR COMPRESSION: the keys of a server section storing there.
bucket_section() {
  echo "storage = s3"
  echo "endpoint = $S3_ENDPOINT"
  echo "region = $S3_REGION"
  echo "bucket = $1"
  echo "prefix = $2"
  echo "credentials_file = $3"
  echo "temp_directory = $4"
  echo "compression = $5"
}

# bucket_stored BUCKET PREFIX: "COUNT BYTES" of the WAL segments under PREFIX.
bucket_stored() {
  "$rgw_python" "$root/benchmarks/lib/bucket.py" "$rgw_dir/s3.env" stored "$1" "$2" \
    || die "listing s3://$1/$2 failed"
}
