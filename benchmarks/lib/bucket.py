#!/usr/bin/python3
"""The bucket side of the benchmarks, against the gateway that receiver/src/test/rgw/start brought up:

    bucket.py ENV create BUCKET         make the bucket (RGW knows the location "default" only)
    bucket.py ENV stored BUCKET PREFIX  "COUNT BYTES" of the WAL segments stored under PREFIX/ (any suffix)

ENV is the start script's s3.env. Needs Debian's python3-boto3.
"""
import re, sys
import boto3
from botocore.config import Config

env = dict(l.strip().split("=", 1) for l in open(sys.argv[1]) if "=" in l)
s3 = boto3.client("s3", endpoint_url=env["S3_ENDPOINT"], region_name=env["S3_REGION"],
                  aws_access_key_id=env["S3_ACCESS_KEY"], aws_secret_access_key=env["S3_SECRET_KEY"],
                  config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"))
command, bucket = sys.argv[2], sys.argv[3]
if command == "create":
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": env["S3_REGION"]})
elif command == "stored":
    segment = re.compile(r"[0-9A-F]{24}(\.gz|\.bz2|\.snappy)?")
    count = size = 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=sys.argv[4].rstrip("/") + "/"):
        for obj in page.get("Contents", []):
            if segment.fullmatch(obj["Key"].rsplit("/", 1)[-1]):
                count += 1
                size += obj["Size"]
    print(count, size)
else:
    sys.exit("bucket.py: unknown command " + command)
