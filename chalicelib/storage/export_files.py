"""Export files in S3: written as a stream of parts, handed out as presigned URLs."""
from __future__ import annotations

from typing import Any

PART_SIZE = 8 * 1024 * 1024  # S3's minimum is 5 MiB for every part but the last
DOWNLOAD_URL_SECONDS = 15 * 60


class MultipartWriter:
    """Buffers at most one part in memory: each time the buffer reaches `part_size` it goes up
    as the next part of a multipart upload (started on the first full part). A file smaller
    than one part is a single PutObject — the same object for a third of the requests."""

    def __init__(self, s3: Any, bucket: str, key: str, content_type: str,
                 part_size: int = PART_SIZE) -> None:
        self._s3, self._bucket, self.key = s3, bucket, key
        self._content_type, self._part_size = content_type, part_size
        self._buffer = bytearray()
        self._upload_id: str | None = None
        self._parts: list[dict[str, Any]] = []
        self.size = 0

    @property
    def parts_uploaded(self) -> int:
        return len(self._parts)

    def write(self, data: bytes) -> None:
        self._buffer += data
        self.size += len(data)
        while len(self._buffer) >= self._part_size:
            self._upload_part(bytes(self._buffer[:self._part_size]))
            del self._buffer[:self._part_size]

    def close(self) -> int:
        """Upload what is left and complete the object; returns its size in bytes."""
        if self._upload_id is None:
            self._s3.put_object(Bucket=self._bucket, Key=self.key, Body=bytes(self._buffer),
                                ContentType=self._content_type)
        else:
            if self._buffer or not self._parts:
                self._upload_part(bytes(self._buffer))
            self._s3.complete_multipart_upload(
                Bucket=self._bucket, Key=self.key, UploadId=self._upload_id,
                MultipartUpload={"Parts": self._parts})
        self._buffer.clear()
        return self.size

    def abort(self) -> None:
        """Drop the parts uploaded so far (the bucket's lifecycle rule is the backstop)."""
        if self._upload_id is not None:
            self._s3.abort_multipart_upload(Bucket=self._bucket, Key=self.key,
                                            UploadId=self._upload_id)
            self._upload_id = None

    def _upload_part(self, body: bytes) -> None:
        if self._upload_id is None:
            self._upload_id = self._s3.create_multipart_upload(
                Bucket=self._bucket, Key=self.key, ContentType=self._content_type)["UploadId"]
        number = len(self._parts) + 1
        answer = self._s3.upload_part(Bucket=self._bucket, Key=self.key, UploadId=self._upload_id,
                                      PartNumber=number, Body=body)
        self._parts.append({"PartNumber": number, "ETag": answer["ETag"]})


def download_url(s3: Any, bucket: str, key: str, filename: str) -> str:
    """A GET URL valid for 15 minutes that saves the file under `filename`."""
    return s3.generate_presigned_url("get_object", ExpiresIn=DOWNLOAD_URL_SECONDS, Params={
        "Bucket": bucket, "Key": key,
        "ResponseContentDisposition": f'attachment; filename="{filename}"'})
