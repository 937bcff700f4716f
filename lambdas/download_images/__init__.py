"""The download-images Lambda: fetches a message's photos from X's media hosts into the media bucket.

Only https URLs on an allowlist of X media hosts are fetched, without redirects, from public addresses
only; each body is size-capped while streaming, its magic number must agree with its content type, and
Pillow must decode it within a pixel cap. One bad image is reported, never fatal to the batch.
"""
